import { call, type Services } from '../../api/clients';
import { userBody, type QuerySchemas } from '../../api/types';

export type Archive = QuerySchemas['Archive'];
export type Rehydration = QuerySchemas['RehydrationJob'];

export const archivesApi = {
  get: (s: Services) => call('query', s.query.GET('/v1/archives', {})),
  status: (s: Services) => call('query', s.query.GET('/v1/archives/status', {})),
  create: (s: Services, body: Record<string, unknown>) => call('query', s.query.POST('/v1/archives', { body: userBody(body) })),
  replace: (s: Services, body: Record<string, unknown>) => call('query', s.query.PUT('/v1/archives', { body: userBody(body) })),
  remove: (s: Services) => call('query', s.query.DELETE('/v1/archives', {})).then(() => undefined),
  rehydrate: (s: Services, body: { from: string; to: string; query: string }) => call('query', s.query.POST('/v1/archives/rehydrations', { body })),
  rehydrations: async (s: Services) => (await call('query', s.query.GET('/v1/archives/rehydrations', {}))).jobs,
  rehydration: (s: Services, id: string) => call('query', s.query.GET('/v1/archives/rehydrations/{id}', { params: { path: { id } } })),
};
