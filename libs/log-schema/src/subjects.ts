/**
 * Stream and subject names: the only place they are spelled out.
 * Every subject is scoped by tenant so consumers, tails and quotas can filter on it.
 */
export const STREAMS = {
  INGEST: 'INGEST',
  PARSE: 'PARSE',
  EVENTS: 'EVENTS',
  DLQ: 'DLQ',
} as const;
export type StreamName = (typeof STREAMS)[keyof typeof STREAMS];

export const STREAM_SUBJECTS: Record<StreamName, string> = {
  INGEST: 'ingest.>',
  PARSE: 'parse.>',
  EVENTS: 'events.>',
  DLQ: 'dlq.>',
};

/** Pipeline stages that may dead-letter a message. */
export type DeadLetterStage = 'route' | 'parse' | 'index' | 'archive' | 'alert';

export const ingestSubject = (tenant: string): string => `ingest.${tenant}`;
export const parseSubject = (tenant: string): string => `parse.${tenant}`;
export const eventsSubject = (tenant: string): string => `events.${tenant}`;
export const dlqSubject = (stage: DeadLetterStage, tenant: string): string => `dlq.${stage}.${tenant}`;

/** The tenant is the last token of every pipeline subject. */
export function tenantOfSubject(subject: string): string {
  return subject.slice(subject.lastIndexOf('.') + 1);
}

/** Request-reply subjects served by the auth service. */
export const AUTH_SUBJECTS = {
  verifyKey: 'auth.keys.verify',
  /** Broadcast when a key is revoked so every cache drops it at once. */
  keyRevoked: 'auth.keys.revoked',
  orgSettings: 'auth.orgs.settings',
} as const;

/** Headers carried by pipeline and dead-letter messages. */
export const HEADERS = {
  msgId: 'Nats-Msg-Id',
  dlqReason: 'Millrace-Dlq-Reason',
  dlqStage: 'Millrace-Dlq-Stage',
  dlqSubject: 'Millrace-Original-Subject',
  dlqStream: 'Millrace-Original-Stream',
  dlqSequence: 'Millrace-Original-Sequence',
  dlqDeliveries: 'Millrace-Deliveries',
} as const;

/**
 * Tenant configuration (rules, drains, alerts, archives) is owned by the query-api and handed to
 * the workers that apply it: `config.<kind>.get` answers the current items (one tenant's, or all
 * when no tenant is given), `config.<kind>.changed` announces that a tenant's items changed.
 */
export const CONFIG_KINDS = ['parsing-rules', 'routing-rules', 'drains', 'alerts', 'archives', 'redaction'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];
export const configGetSubject = (kind: ConfigKind): string => `config.${kind}.get`;
export const configChangedSubject = (kind: ConfigKind): string => `config.${kind}.changed`;

/**
 * Daily volume quotas: the broker-router counts each tenant's bytes per UTC day and announces
 * when a tenant crosses its quota (or a new day resets it); the gateway answers accordingly.
 */
export const USAGE_SUBJECTS = {
  /** Broadcast `QuotaState` whenever a tenant's state changes. */
  quotaState: 'usage.quota.state',
  /** Request `{ tenant }` → `QuotaState`. */
  quotaGet: 'usage.quota.get',
  /** Request `{ tenant, day? }` → today's (or a day's) volume by app. */
  usageGet: 'usage.volume.get',
} as const;

export interface QuotaState {
  tenant: string;
  exceeded: boolean;
  usedBytes: number;
  /** 0 = unlimited. */
  limitBytes: number;
  /** When the current day's quota resets (next UTC midnight), epoch ms. */
  resetAt: number;
}

/** Subjects served by the parser-worker. */
export const PARSER_SUBJECTS = {
  /** Request `ParserDryRunRequest` → `ParserDryRunReply`: what a rule makes of sample lines. */
  dryRun: 'parser.rules.dry-run',
  /** Broadcast `{ tenant, ruleId, reason }` when a worker disables a rule that overran its budget. */
  ruleDisabled: 'parser.rules.disabled',
} as const;

/**
 * Request-reply subjects the alerter answers (JSON); the query-api asks, since no app reads
 * another's tables. Replies are `{ ok: true, result }` or `{ ok: false, status, message }`.
 */
export const ALERTER_SUBJECTS = {
  /** `{ tenant, alertId, limit }` → `{ state, evaluations, notifications }`. */
  history: 'alerter.alerts.history',
  /** `{ tenant, alert, from, to }` → a dry run over the past. */
  test: 'alerter.alerts.test',
} as const;
