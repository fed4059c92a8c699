// The shapes the page works with: those of the typed REST API (libs/api-client, generated from
// the services' OpenAPI documents), and the console's own session routes.
import type { AuthComponents, QueryApiComponents } from '@millrace/api-client';

type Q = QueryApiComponents['schemas'];
type A = AuthComponents['schemas'];

export type Role = A['Member']['role'];

export type LogEvent = Pick<Q['LogEvent'], 'id' | 'ts' | 'app' | 'host' | 'level' | 'message' | 'tags'> & {
  fields: Record<string, unknown>;
  source?: Q['LogEvent']['source'];
};
export type SearchPage = Q['SearchPage'];
export type EventContext = Q['EventContext'];
export type Histogram = Q['Histogram'];
export type TopValues = Q['TopValues'];
export type NumericStats = Q['NumericStats'];
export type StatsRow = NumericStats['overall'];
export type FieldsAnswer = Q['FieldList'];
export type FieldSummary = FieldsAnswer['fields'][number];
export type SavedView = Q['SavedView'];
export type UsageAnswer = Q['Usage'];

export type ApiKeyView = A['Key'];
export type CreatedKey = A['Key'] & { secret: string };
export type Member = A['Member'];
export type OrgView = A['Organisation'];
export type Organisation = A['UserOrganisations'][number];

/** Configuration objects (rules, drains, alerts…) as the settings screens edit them: JSON with an id. */
export interface ConfigObject {
  id: string;
  name?: string;
  [key: string]: unknown;
}

/** The console's own answers (apps/console, not part of the services' documents). */
export interface SessionView {
  authenticated: true;
  user: { id: string; email: string };
  org: string;
  role: Role;
}

export interface ConsoleSettings {
  ingestUrl?: string;
  syslog?: { host: string; tcpPort?: number; tlsPort?: number };
}
