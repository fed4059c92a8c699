import { z } from 'zod';
import { baseConfigSchema, booleanFlag, databaseConfigSchema, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';

const msList = z.string().regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds').transform((v) => v.split(',').map(Number));

export const alerterConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(databaseConfigSchema).merge(openSearchConfigSchema).extend({
  /** Base URL of the query-api as people reach it; notifications link to a search there. */
  PUBLIC_QUERY_URL: z.string().url().default('http://127.0.0.1:17081'),
  /** EVENTS batches evaluated at once by this process. */
  ALERTER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** A window is closed this long after its end (pipeline latency), and only once the stream is caught up. */
  ALERT_WINDOW_GRACE_MS: z.coerce.number().int().min(0).default(2000),
  /** Lines received longer ago than this (a backlog after a long outage) no longer count for stream alerts. */
  STREAM_MAX_LATENESS_MS: z.coerce.number().int().min(1000).default(10 * 60_000),
  /** How often due windows, schedules and notifications are looked for. */
  ALERTER_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** Scheduled (threshold) queries end this long before now, so recent lines are searchable. */
  THRESHOLD_QUERY_DELAY_MS: z.coerce.number().int().min(0).default(2000),
  SCHEDULE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Back-off between delivery attempts (the last value repeats). */
  NOTIFY_RETRY_BACKOFF_MS: msList.default('1000,5000,30000,120000,600000'),
  /** Attempts before a notification is given up as failed. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  NOTIFY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** A claimed notification is someone's for this long; after a crash another replica sends it. */
  NOTIFY_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  PAGERDUTY_EVENTS_URL: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
  /** Default SMTP server for e-mail channels that name none: smtp://user:pass@host:587 or smtps://…:465. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  SMTP_FROM: z.string().default('Millrace alerts <alerts@millrace.invalid>'),
  /** Allow channels to reach loopback and private addresses (local development and tests only). */
  CHANNEL_ALLOW_PRIVATE_NETWORKS: booleanFlag.default('false'),
  /** Evaluations and notifications are kept this many days. */
  ALERT_HISTORY_DAYS: z.coerce.number().int().min(1).default(30),
});
export type AlerterConfig = z.infer<typeof alerterConfigSchema>;
export const ALERTER_CONFIG = Symbol('ALERTER_CONFIG');
