import { call, type Services } from '../../api/clients';
import type { ResourceApi } from '../shared/resource';

export interface Alert {
  id: string;
  name: string;
  kind: 'presence' | 'absence' | 'threshold';
  query: string;
  enabled: boolean;
  mutedUntil?: string | null;
  channels?: Array<{ id?: string; type: string }>;
}

const path = (id: string) => ({ params: { path: { id } } });

export const alertsApi: ResourceApi<Alert> & {
  setEnabled(s: Services, id: string, enabled: boolean): Promise<Alert>;
  test(s: Services, id: string, range: { from?: string; to?: string }): Promise<unknown>;
  history(s: Services, id: string, limit: number): Promise<unknown>;
} = {
  list: async (s) => (await call<{ alerts: Alert[] }>('query', s.query.GET('/v1/alerts', {}))).alerts,
  get: (s, id) => call<Alert>('query', s.query.GET('/v1/alerts/{id}', path(id))),
  create: (s, body) => call<Alert>('query', s.query.POST('/v1/alerts', { body })),
  update: (s, id, body) => call<Alert>('query', s.query.PATCH('/v1/alerts/{id}', { ...path(id), body })),
  remove: (s, id) => call<void>('query', s.query.DELETE('/v1/alerts/{id}', path(id))),
  setEnabled: (s, id, enabled) => call<Alert>('query', enabled ? s.query.POST('/v1/alerts/{id}/enable', path(id)) : s.query.POST('/v1/alerts/{id}/disable', path(id))),
  test: (s, id, range) => call('query', s.query.POST('/v1/alerts/{id}/test', { params: { path: { id }, query: range } })),
  history: (s, id, limit) => call('query', s.query.GET('/v1/alerts/{id}/history', { params: { path: { id }, query: { limit } } })),
};
