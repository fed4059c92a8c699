// Every API call of the page, in one file: the console's own session routes (/session), the
// query-api through /api/query and auth through /api/auth. Pages call these functions only.
import { request, withQuery, type Query } from './http';
import type {
  ApiKeyView, ConfigObject, ConsoleSettings, CreatedKey, EventContext, FieldsAnswer, Histogram, LogEvent, Member, NumericStats,
  Organisation, OrgView, Role, SavedView, SearchPage, SessionView, TopValues, UsageAnswer,
} from './types';

const Q = '/api/query/v1';
const A = '/api/auth/v1';

export interface RangeQuery {
  q: string;
  from: string;
  to: string;
}

export const session = {
  current: () => request<SessionView>('/session'),
  logIn: (email: string, password: string) => request<SessionView>('/session', { method: 'POST', body: { email, password } }),
  logOut: () => request<void>('/session', { method: 'DELETE' }),
  switchOrg: (org: string) => request<SessionView>('/session/switch', { method: 'POST', body: { org } }),
  organisations: () => request<Organisation[]>('/session/organisations'),
  settings: () => request<ConsoleSettings>('/session/settings'),
};

export const search = {
  page: (r: RangeQuery & { order: 'asc' | 'desc'; limit: number; cursor?: string }, signal?: AbortSignal) =>
    request<SearchPage>(`${Q}/search`, { query: { ...r }, signal }),
  context: (id: string, before = 25, after = 25) => request<EventContext>(`${Q}/events/${encodeURIComponent(id)}/context`, { query: { before, after } }),
  histogram: (r: RangeQuery & { split?: string; top?: number }, signal?: AbortSignal) =>
    request<Histogram>(`${Q}/graphs/histogram`, { query: { ...r, interval: 'auto' }, signal }),
  top: (r: RangeQuery & { field: string; size?: number }, signal?: AbortSignal) => request<TopValues>(`${Q}/graphs/top`, { query: { ...r }, signal }),
  stats: (r: RangeQuery & { field: string; percentiles?: string }, signal?: AbortSignal) =>
    request<NumericStats>(`${Q}/graphs/stats`, { query: { ...r, interval: 'auto' }, signal }),
  fields: (r: RangeQuery, signal?: AbortSignal) => request<FieldsAnswer>(`${Q}/fields`, { query: { ...r, sample: 1000 }, signal }),
  /** A download of every matching line, streamed by the browser straight to a file. */
  exportUrl: (r: RangeQuery & { format: 'ndjson' | 'csv'; order?: 'asc' | 'desc' }) => withQuery(`${Q}/export`, { ...r }),
  /** The live tail's Server-Sent Events stream (the session cookie authenticates it). */
  tailUrl: (q: string, options: { backlog?: number; lastEventId?: string } = {}) =>
    withQuery(`${Q}/tail`, { q, backlog: options.backlog, lastEventId: options.lastEventId }),
};

export const views = {
  list: () => request<SavedView[] | { views: SavedView[] }>(`${Q}/views`).then((r) => (Array.isArray(r) ? r : r.views)),
  create: (view: { name: string; query: string; from?: string; to?: string }) => request<SavedView>(`${Q}/views`, { method: 'POST', body: view }),
  update: (id: string, changes: Partial<Pick<SavedView, 'name' | 'query' | 'from' | 'to'>>) =>
    request<SavedView>(`${Q}/views/${id}`, { method: 'PATCH', body: changes }),
  remove: (id: string) => request<void>(`${Q}/views/${id}`, { method: 'DELETE' }),
};

export const keys = {
  list: () => request<ApiKeyView[] | { keys: ApiKeyView[] }>(`${A}/keys`).then((r) => (Array.isArray(r) ? r : r.keys)),
  create: (body: { name: string; kind: 'ingest' | 'service'; scopes?: string[] }) => request<CreatedKey>(`${A}/keys`, { method: 'POST', body }),
  rotate: (id: string, graceSeconds: number) => request<CreatedKey>(`${A}/keys/${id}/rotate`, { method: 'POST', body: { graceSeconds } }),
  revoke: (id: string) => request<void>(`${A}/keys/${id}`, { method: 'DELETE' }),
};

export const members = {
  list: () => request<Member[] | { members: Member[] }>(`${A}/members`).then((r) => (Array.isArray(r) ? r : r.members)),
  add: (body: { email: string; role: Role; password?: string; name?: string }) => request<Member>(`${A}/members`, { method: 'POST', body }),
  setRole: (userId: string, role: Role) => request<Member>(`${A}/members/${userId}`, { method: 'PATCH', body: { role } }),
  remove: (userId: string) => request<void>(`${A}/members/${userId}`, { method: 'DELETE' }),
};

export const org = {
  get: () => request<OrgView>(`${A}/org`),
  update: (changes: Partial<OrgView['settings']> & { name?: string }) => request<OrgView>(`${A}/org/settings`, { method: 'PATCH', body: changes }),
};

function listOf<T>(answer: unknown, key: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  const inner = (answer as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

/** A configuration collection of the query-api (`/v1/<path>`): list, get, create, update, delete. */
function collection(path: string, key: string) {
  return {
    list: () => request<unknown>(`${Q}/${path}`).then((r) => listOf<ConfigObject>(r, key)),
    get: (id: string) => request<ConfigObject>(`${Q}/${path}/${id}`),
    create: (body: unknown) => request<ConfigObject>(`${Q}/${path}`, { method: 'POST', body }),
    update: (id: string, body: unknown) => request<ConfigObject>(`${Q}/${path}/${id}`, { method: 'PATCH', body }),
    remove: (id: string) => request<void>(`${Q}/${path}/${id}`, { method: 'DELETE' }),
  };
}

export const parsingRules = {
  ...collection('parsing-rules', 'rules'),
  dryRun: (rule: unknown, lines: Array<{ line: string; app?: string }>) => request<unknown>(`${Q}/parsing-rules/dry-run`, { method: 'POST', body: { rule, lines } }),
};

export const redaction = {
  get: () => request<Record<string, unknown>>(`${Q}/redaction`),
  put: (settings: unknown) => request<Record<string, unknown>>(`${Q}/redaction`, { method: 'PUT', body: settings }),
  dryRun: (settings: unknown, lines: string[]) => request<unknown>(`${Q}/redaction/dry-run`, { method: 'POST', body: { settings, lines } }),
};

export const routingRules = collection('routing-rules', 'rules');
export const drains = collection('drains', 'drains');

export const alerts = {
  ...collection('alerts', 'alerts'),
  history: (id: string) => request<unknown>(`${Q}/alerts/${id}/history`),
  test: (id: string) => request<unknown>(`${Q}/alerts/${id}/test`, { method: 'POST', body: {} }),
  testDraft: (alert: unknown) => request<unknown>(`${Q}/alerts/test`, { method: 'POST', body: alert }),
  setEnabled: (id: string, enabled: boolean) => request<unknown>(`${Q}/alerts/${id}/${enabled ? 'enable' : 'disable'}`, { method: 'POST', body: {} }),
};

export const archives = {
  get: () => request<ConfigObject | null>(`${Q}/archives`),
  create: (body: unknown) => request<ConfigObject>(`${Q}/archives`, { method: 'POST', body }),
  replace: (body: unknown) => request<ConfigObject>(`${Q}/archives`, { method: 'PUT', body }),
  remove: () => request<void>(`${Q}/archives`, { method: 'DELETE' }),
  status: () => request<Record<string, unknown>>(`${Q}/archives/status`),
  rehydrations: () => request<unknown>(`${Q}/archives/rehydrations`).then((r) => listOf<ConfigObject>(r, 'rehydrations')),
  rehydrate: (body: { from: string; to: string; query?: string }) => request<ConfigObject>(`${Q}/archives/rehydrations`, { method: 'POST', body }),
  dropRehydration: (id: string) => request<void>(`${Q}/archives/rehydrations/${id}`, { method: 'DELETE' }),
};

export const usage = {
  day: (day?: string) => request<UsageAnswer>(`${Q}/usage`, { query: { day } }),
};

export type { Query, LogEvent };
