import { call } from '../../api/clients';
import { userBody, type QuerySchemas } from '../../api/types';
import type { ResourceApi } from '../shared/resource';

export type Drain = QuerySchemas['Drain'];
const path = (id: string) => ({ params: { path: { id } } });

export const drainsApi: ResourceApi<Drain> = {
  list: (s) => call('query', s.query.GET('/v1/drains', {})),
  get: (s, id) => call('query', s.query.GET('/v1/drains/{id}', path(id))),
  create: (s, body) => call('query', s.query.POST('/v1/drains', { body: userBody(body) })),
  update: (s, id, body) => call('query', s.query.PATCH('/v1/drains/{id}', { ...path(id), body: userBody(body) })),
  remove: (s, id) => call('query', s.query.DELETE('/v1/drains/{id}', path(id))).then(() => undefined),
};
