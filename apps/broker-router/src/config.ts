import { z } from 'zod';
import { baseConfigSchema, booleanFlag, databaseConfigSchema, natsConfigSchema } from '@millrace/service-kit';

const ms = (fallback: number, min = 10) => z.coerce.number().int().min(min).default(fallback);

export const routerConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(databaseConfigSchema).extend({
  /** INGEST batches routed at once by this replica. */
  ROUTER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  ROUTER_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
  /** Usage counters are upserted into PostgreSQL this often (batched, never per line). */
  USAGE_FLUSH_MS: ms(1000, 100),
  /** Organisation settings (daily quota) are re-read from the auth service this often. */
  QUOTA_SETTINGS_TTL_MS: ms(10_000, 100),
  /** Lines (and bytes) a drain may hold while its endpoint is slow or down; beyond, lines are dropped and counted. At least one batch message (1,000 lines). */
  DRAIN_BUFFER_LINES: z.coerce.number().int().min(1000).default(10_000),
  DRAIN_BUFFER_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024),
  /** Lines per delivery (one HTTP request, or one write of syslog frames). */
  DRAIN_BATCH_LINES: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Longest a line waits for a fuller batch. */
  DRAIN_FLUSH_MS: ms(100, 1),
  /** One delivery attempt (connect, send, answer). */
  DRAIN_TIMEOUT_MS: ms(10_000, 100),
  /** Attempts per batch before it is dropped (counted); back-off doubles from 500 ms to DRAIN_BACKOFF_MAX_MS. */
  DRAIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  DRAIN_BACKOFF_MAX_MS: ms(30_000, 100),
  /** At most one "drain dropped N lines" error event per drain per this interval. */
  DRAIN_ERROR_REPORT_MS: ms(10_000, 100),
  /** Deliver to loopback, private and other non-public addresses (SSRF). Off by default; `npm start` turns it on. Cloud metadata and link-local addresses are refused either way. */
  DRAINS_ALLOW_PRIVATE_TARGETS: booleanFlag.default('false'),
});
export type RouterConfig = z.infer<typeof routerConfigSchema>;
export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');
