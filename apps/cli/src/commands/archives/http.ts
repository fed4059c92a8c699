import { call, type Services } from '../../api/clients';

/** The organisation's one archive destination (credentials are never returned: `hasSecret`). */
export interface Archive {
  enabled: boolean;
  destination: { type: 's3' | 'filesystem'; bucket?: string; prefix?: string; endpoint?: string; region?: string; path?: string; hasSecret?: boolean };
  updatedAt?: string;
}

export interface Rehydration {
  id: string;
  state: string;
  from: number | string;
  to: number | string;
  query?: string;
  progress?: unknown;
}

export const archivesApi = {
  get: (s: Services) => call<Archive>('query', s.query.GET('/v1/archives', {})),
  status: (s: Services) => call<Record<string, unknown>>('query', s.query.GET('/v1/archives/status', {})),
  create: (s: Services, body: Record<string, unknown>) => call<Archive>('query', s.query.POST('/v1/archives', { body })),
  replace: (s: Services, body: Record<string, unknown>) => call<Archive>('query', s.query.PUT('/v1/archives', { body })),
  remove: (s: Services) => call<void>('query', s.query.DELETE('/v1/archives', {})),
  rehydrate: (s: Services, body: { from: string; to: string; query: string }) => call<Rehydration>('query', s.query.POST('/v1/archives/rehydrations', { body })),
  rehydrations: async (s: Services) => (await call<{ jobs: Rehydration[] }>('query', s.query.GET('/v1/archives/rehydrations', {}))).jobs,
  rehydration: (s: Services, id: string) => call<Rehydration>('query', s.query.GET('/v1/archives/rehydrations/{id}', { params: { path: { id } } })),
};
