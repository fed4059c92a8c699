import { call } from '../../api/clients';
import { userBody, type QuerySchemas } from '../../api/types';
import type { ResourceApi } from '../shared/resource';

export type View = QuerySchemas['SavedView'];
const path = (id: string) => ({ params: { path: { id } } });

export const viewsApi: ResourceApi<View> = {
  list: (s) => call('query', s.query.GET('/v1/views', {})),
  get: (s, id) => call('query', s.query.GET('/v1/views/{id}', path(id))),
  create: (s, body) => call('query', s.query.POST('/v1/views', { body: userBody(body) })),
  update: (s, id, body) => call('query', s.query.PATCH('/v1/views/{id}', { ...path(id), body: userBody(body) })),
  remove: (s, id) => call('query', s.query.DELETE('/v1/views/{id}', path(id))).then(() => undefined),
};
