// Every API call of the page, in one file: the console's own session routes (/session), and the
// query-api and auth through the generated client (libs/api-client). Pages call these only.
import { authApi, call, queryApi, request, withQuery } from './http';
import type {
  ApiKeyView, ConfigObject, ConsoleSettings, CreatedKey, EventContext, FieldsAnswer, Histogram, Member, NumericStats,
  Organisation, OrgView, Role, SavedView, SearchPage, SessionView, TopValues, UsageAnswer,
} from './types';

export interface RangeQuery {
  q: string;
  from: string;
  to: string;
}

/** Bodies typed by the person in the settings' JSON editors: the services validate them and say what is wrong. */
type Free = never;

export const session = {
  current: () => request<SessionView>('/session'),
  logIn: (email: string, password: string) => request<SessionView>('/session', { method: 'POST', body: { email, password } }),
  logOut: () => request<void>('/session', { method: 'DELETE' }),
  switchOrg: (org: string) => request<SessionView>('/session/switch', { method: 'POST', body: { org } }),
  organisations: () => request<Organisation[]>('/session/organisations'),
  settings: () => request<ConsoleSettings>('/session/settings'),
};

export const search = {
  page: (r: RangeQuery & { order: 'asc' | 'desc'; limit: number; cursor?: string }, signal?: AbortSignal): Promise<SearchPage> =>
    call(queryApi.GET('/v1/search', { params: { query: { ...r } }, signal })),
  context: (id: string, before = 25, after = 25): Promise<EventContext> =>
    call(queryApi.GET('/v1/events/{id}/context', { params: { path: { id }, query: { before, after } } })),
  histogram: (r: RangeQuery & { split?: string; top?: number }, signal?: AbortSignal): Promise<Histogram> =>
    call(queryApi.GET('/v1/graphs/histogram', { params: { query: { ...r, interval: 'auto' } }, signal })),
  top: (r: RangeQuery & { field: string; size?: number }, signal?: AbortSignal): Promise<TopValues> =>
    call(queryApi.GET('/v1/graphs/top', { params: { query: { ...r } }, signal })),
  stats: (r: RangeQuery & { field: string; percentiles?: string }, signal?: AbortSignal): Promise<NumericStats> =>
    call(queryApi.GET('/v1/graphs/stats', { params: { query: { ...r, interval: 'auto' } }, signal })),
  fields: (r: RangeQuery, signal?: AbortSignal): Promise<FieldsAnswer> =>
    call(queryApi.GET('/v1/fields', { params: { query: { ...r, sample: 1000 } }, signal })),
  /** A download of every matching line, streamed by the browser straight to a file (a link, not a fetch). */
  exportUrl: (r: RangeQuery & { format: 'ndjson' | 'csv'; order?: 'asc' | 'desc' }) => withQuery('/api/query/v1/export', { ...r }),
  /** The live tail's Server-Sent Events stream (an EventSource; the session cookie authenticates it). */
  tailUrl: (q: string, options: { backlog?: number; lastEventId?: string } = {}) =>
    withQuery('/api/query/v1/tail', { q, backlog: options.backlog, lastEventId: options.lastEventId }),
};

export const views = {
  list: (): Promise<SavedView[]> => call(queryApi.GET('/v1/views')),
  create: (view: { name: string; query: string; from: string; to?: string }): Promise<SavedView> => call(queryApi.POST('/v1/views', { body: view })),
  // A PATCH changes only what it names (the document lists the defaults of a whole view as required).
  update: (id: string, changes: { name?: string; query?: string; from?: string; to?: string }): Promise<SavedView> =>
    call(queryApi.PATCH('/v1/views/{id}', { params: { path: { id } }, body: changes as Free })),
  remove: (id: string): Promise<void> => call(queryApi.DELETE('/v1/views/{id}', { params: { path: { id } } })).then(() => undefined),
};

export const keys = {
  list: (): Promise<ApiKeyView[]> => call(authApi.GET('/v1/keys')).then((r) => r.keys),
  create: (body: { name: string; kind: 'ingest' | 'service'; scopes?: string[] }): Promise<CreatedKey> =>
    call(authApi.POST('/v1/keys', { body: body as Free })) as Promise<CreatedKey>,
  rotate: (id: string, graceSeconds: number): Promise<CreatedKey> =>
    call(authApi.POST('/v1/keys/{id}/rotate', { params: { path: { id } }, body: { graceSeconds } })) as Promise<CreatedKey>,
  revoke: (id: string): Promise<void> => call(authApi.DELETE('/v1/keys/{id}', { params: { path: { id } } })).then(() => undefined),
};

export const members = {
  list: (): Promise<Member[]> => call(authApi.GET('/v1/members')).then((r) => r.members),
  add: (body: { email: string; role: Role; password?: string; name?: string }) => call(authApi.POST('/v1/members', { body })),
  setRole: (userId: string, role: Role) => call(authApi.PATCH('/v1/members/{userId}', { params: { path: { userId } }, body: { role } })),
  remove: (userId: string): Promise<void> => call(authApi.DELETE('/v1/members/{userId}', { params: { path: { userId } } })).then(() => undefined),
};

export const org = {
  get: (): Promise<OrgView> => call(authApi.GET('/v1/org')),
  update: (changes: Record<string, unknown>): Promise<OrgView> => call(authApi.PATCH('/v1/org/settings', { body: changes as Free })),
};

const asObjects = (list: unknown): ConfigObject[] => (Array.isArray(list) ? list : []) as ConfigObject[];

export const parsingRules = {
  list: () => call(queryApi.GET('/v1/parsing-rules')).then(asObjects),
  create: (body: unknown) => call(queryApi.POST('/v1/parsing-rules', { body: body as Free })) as Promise<ConfigObject>,
  update: (id: string, body: unknown) => call(queryApi.PATCH('/v1/parsing-rules/{id}', { params: { path: { id } }, body: body as Free })) as Promise<ConfigObject>,
  remove: (id: string) => call(queryApi.DELETE('/v1/parsing-rules/{id}', { params: { path: { id } } })).then(() => undefined),
  dryRun: (rule: unknown, lines: Array<{ line: string; app?: string }>) => call(queryApi.POST('/v1/parsing-rules/dry-run', { body: { rule, lines } as Free })),
};

export const redaction = {
  get: () => call(queryApi.GET('/v1/redaction')) as Promise<Record<string, unknown>>,
  put: (settings: unknown) => call(queryApi.PUT('/v1/redaction', { body: settings as Free })),
  dryRun: (settings: unknown, lines: string[]) => call(queryApi.POST('/v1/redaction/dry-run', { body: { settings, lines } as Free })),
};

export const routingRules = {
  list: () => call(queryApi.GET('/v1/routing-rules')).then(asObjects),
  create: (body: unknown) => call(queryApi.POST('/v1/routing-rules', { body: body as Free })) as Promise<ConfigObject>,
  update: (id: string, body: unknown) => call(queryApi.PATCH('/v1/routing-rules/{id}', { params: { path: { id } }, body: body as Free })) as Promise<ConfigObject>,
  remove: (id: string) => call(queryApi.DELETE('/v1/routing-rules/{id}', { params: { path: { id } } })).then(() => undefined),
};

export const drains = {
  list: () => call(queryApi.GET('/v1/drains')).then(asObjects),
  get: (id: string) => call(queryApi.GET('/v1/drains/{id}', { params: { path: { id } } })) as Promise<ConfigObject>,
  create: (body: unknown) => call(queryApi.POST('/v1/drains', { body: body as Free })) as Promise<ConfigObject>,
  update: (id: string, body: unknown) => call(queryApi.PATCH('/v1/drains/{id}', { params: { path: { id } }, body: body as Free })) as Promise<ConfigObject>,
  remove: (id: string) => call(queryApi.DELETE('/v1/drains/{id}', { params: { path: { id } } })).then(() => undefined),
};

export const alerts = {
  list: () => call(queryApi.GET('/v1/alerts')).then((r) => asObjects(r.alerts)),
  create: (body: unknown) => call(queryApi.POST('/v1/alerts', { body: body as Free })) as Promise<ConfigObject>,
  update: (id: string, body: unknown) => call(queryApi.PATCH('/v1/alerts/{id}', { params: { path: { id } }, body: body as Free })) as Promise<ConfigObject>,
  remove: (id: string) => call(queryApi.DELETE('/v1/alerts/{id}', { params: { path: { id } } })).then(() => undefined),
  history: (id: string) => call(queryApi.GET('/v1/alerts/{id}/history', { params: { path: { id } } })),
  test: (id: string) => call(queryApi.POST('/v1/alerts/{id}/test', { params: { path: { id } }, body: {} as Free })),
};

export const archives = {
  get: (): Promise<Record<string, unknown> | null> => call(queryApi.GET('/v1/archives')),
  create: (body: unknown): Promise<Record<string, unknown>> => call(queryApi.POST('/v1/archives', { body: body as Free })),
  replace: (body: unknown): Promise<Record<string, unknown>> => call(queryApi.PUT('/v1/archives', { body: body as Free })),
  remove: () => call(queryApi.DELETE('/v1/archives')).then(() => undefined),
  status: () => call(queryApi.GET('/v1/archives/status')) as Promise<Record<string, unknown>>,
  rehydrations: () => call(queryApi.GET('/v1/archives/rehydrations')).then((r) => asObjects((r as { jobs?: unknown; rehydrations?: unknown }).jobs ?? (r as { rehydrations?: unknown }).rehydrations ?? r)),
  rehydrate: (body: { from: string; to: string; query?: string }) => call(queryApi.POST('/v1/archives/rehydrations', { body: { ...body, query: body.query ?? '' } })),
  dropRehydration: (id: string) => call(queryApi.DELETE('/v1/archives/rehydrations/{id}', { params: { path: { id } } })).then(() => undefined),
};

export const usage = {
  day: (day?: string): Promise<UsageAnswer> => call(queryApi.GET('/v1/usage', { params: { query: { day } } })),
};
