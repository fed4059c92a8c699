import { z } from 'zod';
import { baseConfigSchema, booleanFlag, databaseConfigSchema, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';
import { sealingConfigSchema } from '@millrace/sealing';

/**
 * SEALING_KEY (required here) seals the secrets the query-api stores: drain URLs, alert channels,
 * archive credentials (the archiver opens those with the same key); SEALING_OLD_KEYS still open.
 */
export const queryApiConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(openSearchConfigSchema).merge(databaseConfigSchema).merge(sealingConfigSchema).extend({
  SEALING_KEY: sealingConfigSchema.shape.SEALING_KEY.unwrap(),
  SEARCH_MAX_LIMIT: z.coerce.number().int().min(1).max(10000).default(10000),
  SEARCH_DEFAULT_RANGE: z.string().regex(/^-\d+[smhdw]$/).default('-24h'),
  ALERTS_MAX_PER_TENANT: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Root folder of filesystem archive destinations (the archiver's); unset: filesystem destinations are refused. */
  ARCHIVE_FS_ROOT: z.string().refine((v) => v.startsWith('/'), 'must be an absolute path').optional(),
  /** Let tenants point an S3 endpoint at loopback or private addresses (single-machine installs with a local store). */
  ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: booleanFlag.default('false'),
  /** Live tail: open tails per organisation and in all on one replica. */
  TAIL_MAX_PER_TENANT: z.coerce.number().int().min(1).max(10_000).default(10),
  TAIL_MAX_TOTAL: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Count TAIL_MAX_PER_TENANT across replicas (JetStream KV); false = per replica. */
  TAIL_LIMITS_SHARED: booleanFlag.default('true'),
  /** A replica's tail slots count this long after its last renewal (a killed replica's slots free up then). */
  TAIL_SLOT_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Matching lines from before the tail that are sent first: default and the most a client may ask. */
  TAIL_BACKLOG_DEFAULT: z.coerce.number().int().min(0).max(10_000).default(100),
  TAIL_BACKLOG_MAX: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** A tail client's buffer (lines and bytes); beyond it lines are dropped and the client told how many. */
  TAIL_BUFFER_LINES: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  TAIL_BUFFER_BYTES: z.coerce.number().int().min(64 * 1024).default(4 * 1024 * 1024),
  /** A client that takes nothing for this long is cut off. */
  TAIL_STALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  TAIL_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Let drains point at loopback, private and other non-public addresses (SSRF). Off by default; `npm start` turns it on. Cloud metadata and link-local addresses are refused either way. */
  DRAINS_ALLOW_PRIVATE_TARGETS: booleanFlag.default('false'),
  /** Let alert channels (webhook, Slack, SMTP servers) point at non-public addresses; checked here when saved, by the alerter when sending. */
  CHANNEL_ALLOW_PRIVATE_NETWORKS: booleanFlag.default('false'),
});
export type QueryApiConfig = z.infer<typeof queryApiConfigSchema>;
export const QUERY_API_CONFIG = Symbol('QUERY_API_CONFIG');
