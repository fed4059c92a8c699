import { z } from 'zod';

/**
 * An alert definition as the query-api delivers it on the `alerts` configuration feed
 * (`config.alerts.get`). The query-api validates what tenants send and owns the canonical
 * schema; this copy checks what arrives so one malformed item can never stop the others.
 * Channel secrets are present here: the alerter needs them to send.
 */
export const ALERT_KINDS = ['presence', 'absence', 'threshold'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const AGGREGATIONS = ['count', 'avg', 'min', 'max', 'sum', 'p50', 'p90', 'p95', 'p99'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
export const COMPARATORS = ['>', '>=', '<', '<='] as const;
export type Comparator = (typeof COMPARATORS)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);
export const timeRangeSchema = z.object({
  days: z.array(z.enum(WEEKDAYS)).optional(),
  from: hhmm,
  to: hhmm,
});
export type TimeRange = z.infer<typeof timeRangeSchema>;
export const scheduleSchema = z.object({
  timezone: z.string().default('UTC'),
  /** Notify only inside these periods (absent: always). */
  active: z.array(timeRangeSchema).optional(),
  /** Never notify inside these periods. */
  quiet: z.array(timeRangeSchema).optional(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

const smtpSchema = z.object({
  host: z.string(),
  port: z.number().int().optional(),
  /** Implicit TLS (port 465). */
  secure: z.boolean().default(false),
  /** Refuse to send unless STARTTLS succeeds. */
  requireTLS: z.boolean().default(true),
  username: z.string().optional(),
  password: z.string().optional(),
  /** PEM certificate(s) to trust in addition to the system's (a private CA). */
  ca: z.string().optional(),
});
export type SmtpSettings = z.infer<typeof smtpSchema>;

export const channelSchema = z.discriminatedUnion('type', [
  z.object({
    id: z.string(), type: z.literal('webhook'), url: z.string(),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z.record(z.string()).default({}),
    contentType: z.string().default('application/json'),
    bodyTemplate: z.string().optional(),
    /** HMAC-SHA256 of the body, sent as `X-Millrace-Signature: sha256=<hex>`. */
    secret: z.string().optional(),
  }),
  z.object({ id: z.string(), type: z.literal('slack'), url: z.string(), template: z.string().optional() }),
  z.object({
    id: z.string(), type: z.literal('pagerduty'), routingKey: z.string(),
    severity: z.enum(['critical', 'error', 'warning', 'info']).default('error'),
    summaryTemplate: z.string().optional(),
  }),
  z.object({
    id: z.string(), type: z.literal('email'), to: z.array(z.string()).min(1),
    from: z.string().optional(),
    subjectTemplate: z.string().optional(),
    bodyTemplate: z.string().optional(),
    smtp: smtpSchema.optional(),
  }),
]);
export type Channel = z.infer<typeof channelSchema>;
export type ChannelType = Channel['type'];

export const alertDefinitionSchema = z.object({
  tenant: z.string(),
  id: z.string().uuid(),
  name: z.string(),
  kind: z.enum(ALERT_KINDS),
  query: z.string(),
  enabled: z.boolean(),
  /** Epoch ms until which notifications are muted, or null. */
  mutedUntil: z.number().nullable().default(null),
  /** Changes whenever the definition changes; window state of an older version is restarted. */
  version: z.number().int(),
  /** presence: at least this many lines; absence: fewer than this many lines. */
  count: z.number().int().min(1).default(1),
  windowSeconds: z.number().int().min(1),
  /** presence: notify at the Nth line, or at the end of the window. */
  trigger: z.enum(['immediate', 'window_end']).default('immediate'),
  aggregation: z.enum(AGGREGATIONS).default('count'),
  field: z.string().optional(),
  comparator: z.enum(COMPARATORS).default('>'),
  value: z.number().default(0),
  everySeconds: z.number().int().min(1).default(60),
  groupBy: z.string().optional(),
  maxGroups: z.number().int().min(1).default(100),
  throttleSeconds: z.number().int().min(0).default(0),
  notifyOnResolve: z.boolean().default(true),
  schedule: scheduleSchema.optional(),
  channels: z.array(channelSchema).default([]),
});
export type AlertDefinition = z.infer<typeof alertDefinitionSchema>;
