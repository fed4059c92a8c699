// The shapes of the answers the page uses. Until the generated client of the typed REST API
// (libs/api-client) lands, they are written here, in one place, and only the API layer uses them.

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface SessionView {
  authenticated: true;
  user: { id: string; email: string };
  org: string;
  role: Role;
}

export interface Organisation {
  org: string;
  name: string;
  role: Role;
}

export interface ConsoleSettings {
  ingestUrl?: string;
  syslog?: { host: string; tcpPort?: number; tlsPort?: number };
}

export interface LogEvent {
  id: string;
  ts: number;
  receivedAt?: number;
  app: string;
  host: string;
  level?: string;
  message: string;
  tags: string[];
  fields: Record<string, unknown>;
  source?: string;
}

export interface SearchPage {
  events: LogEvent[];
  nextCursor?: string;
  took: number;
}

export interface EventContext {
  event: LogEvent;
  before: LogEvent[];
  after: LogEvent[];
}

export interface Histogram {
  interval: string;
  buckets: number[];
  total: number[];
  series?: Array<{ key: string; counts: number[] }>;
}

export interface TopValues {
  field: string;
  values: Array<{ value: string | number; count: number }>;
  other: number;
}

export interface StatsRow {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  percentiles: Record<string, number | null>;
}

export interface NumericStats {
  interval: string;
  overall: StatsRow;
  buckets: Array<StatsRow & { ts: number }>;
}

export interface FieldSummary {
  name: string;
  types: string[];
  count: number;
  examples: unknown[];
}

export interface FieldsAnswer {
  fields: FieldSummary[];
  sampled?: number;
}

export interface SavedView {
  id: string;
  name: string;
  query: string;
  from?: string | null;
  to?: string | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface ApiKeyView {
  id: string;
  name: string;
  kind: 'ingest' | 'service';
  scopes: string[];
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  rotatedAt: string | null;
  previousSecretValidUntil: string | null;
}

export type CreatedKey = ApiKeyView & { secret: string };

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
}

export interface OrgView {
  id: string;
  name: string;
  createdAt: string;
  settings: { retentionClass: string; dailyQuotaBytes: number; ingestRateLimit: number };
}

/** Configuration objects (rules, drains, alerts...): their common part; the rest is shown as it comes. */
export interface ConfigObject {
  id: string;
  name?: string;
  [key: string]: unknown;
}

export interface UsageRow {
  app: string;
  [counter: string]: unknown;
}

export interface UsageAnswer {
  day: string;
  apps?: UsageRow[];
  totals?: Record<string, unknown>;
  quota?: Record<string, unknown>;
  [key: string]: unknown;
}
