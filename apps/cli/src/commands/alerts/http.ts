import { call, type Services } from '../../api/clients';
import { userBody, type QuerySchemas } from '../../api/types';
import type { ResourceApi } from '../shared/resource';

export type Alert = QuerySchemas['Alert'];

const path = (id: string) => ({ params: { path: { id } } });

export const alertsApi: ResourceApi<Alert> & {
  setEnabled(s: Services, id: string, enabled: boolean): Promise<Alert>;
  test(s: Services, id: string, range: { from?: string; to?: string }): Promise<unknown>;
  history(s: Services, id: string, limit: number): Promise<unknown>;
} = {
  list: async (s) => (await call('query', s.query.GET('/v1/alerts', {}))).alerts,
  get: (s, id) => call('query', s.query.GET('/v1/alerts/{id}', path(id))),
  create: (s, body) => call('query', s.query.POST('/v1/alerts', { body: userBody(body) })),
  update: (s, id, body) => call('query', s.query.PATCH('/v1/alerts/{id}', { ...path(id), body: userBody(body) })),
  remove: (s, id) => call('query', s.query.DELETE('/v1/alerts/{id}', path(id))).then(() => undefined),
  setEnabled: (s, id, enabled) => call('query', enabled ? s.query.POST('/v1/alerts/{id}/enable', path(id)) : s.query.POST('/v1/alerts/{id}/disable', path(id))),
  test: (s, id, range) => call('query', s.query.POST('/v1/alerts/{id}/test', { params: { path: { id }, query: range } })),
  history: (s, id, limit) => call('query', s.query.GET('/v1/alerts/{id}/history', { params: { path: { id }, query: { limit } } })),
};
