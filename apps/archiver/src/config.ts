import { z } from 'zod';
import { baseConfigSchema, booleanFlag, databaseConfigSchema, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';
import { sealingConfigSchema } from '@millrace/sealing';

const MIB = 1024 * 1024;

const backoffList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds, e.g. 1000,5000,30000')
  .transform((v) => v.split(',').map(Number));

export const archiverConfigSchema = baseConfigSchema
  .merge(natsConfigSchema)
  .merge(databaseConfigSchema)
  .merge(openSearchConfigSchema)
  /**
   * SEALING_KEY (and SEALING_OLD_KEYS) open the destination credentials the query-api sealed with
   * the same keys. Without it, S3 destinations with credentials cannot be used (their events are
   * held back, never dropped).
   */
  .merge(sealingConfigSchema)
  .extend({
    /** Root folder of filesystem destinations; a tenant's `path` is always inside it. Unset: no filesystem destinations. */
    ARCHIVE_FS_ROOT: z.string().refine((v) => v.startsWith('/'), 'must be an absolute path').optional(),
    /** Let S3 endpoints be loopback or private addresses (single-machine installs with a local store); checked on every connection. Metadata and link-local addresses are refused either way. */
    ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: booleanFlag.default('false'),
    /** A part (one object) is closed and uploaded when it is this old… */
    ARCHIVE_PART_MAX_AGE_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    /** …or holds this many uncompressed bytes… */
    ARCHIVE_PART_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * MIB).default(64 * MIB),
    /** …or this many lines. */
    ARCHIVE_PART_MAX_LINES: z.coerce.number().int().min(1).max(10_000_000).default(250_000),
    /** Bytes of un-acked EVENTS messages held in memory at most; beyond it parts are closed early and pulling waits. */
    ARCHIVE_MAX_BUFFER_BYTES: z.coerce.number().int().min(MIB).default(256 * MIB),
    /** The consumer's ack_wait: longer than a part's age plus its upload, so held messages are not redelivered. */
    ARCHIVE_ACK_WAIT_MS: z.coerce.number().int().min(10_000).max(3_600_000).default(300_000),
    /** The consumer's max_ack_pending: messages held un-acked at once across all parts of all replicas. */
    ARCHIVE_MAX_ACK_PENDING: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
    /** The durable consumer on EVENTS; every replica shares it. Change it only to run a second, independent archive pipeline (tests do). */
    ARCHIVE_CONSUMER_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('archiver'),
    /** Parts uploaded at once. */
    ARCHIVE_UPLOAD_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Timeout of one object-store request. */
    ARCHIVE_STORE_TIMEOUT_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
    /** Delay before redelivery after a failed upload, by delivery count (the last repeats). */
    ARCHIVE_RETRY_BACKOFF_MS: backoffList.default('1000,5000,15000,30000,60000'),
    /** While a destination fails, how often it is probed to find out it is back. */
    ARCHIVE_PROBE_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
    /**
     * Failed deliveries after which a message whose destination keeps refusing is dead-lettered
     * (`dlq.archive.<tenant>`) so one tenant's broken bucket cannot hold every tenant back.
     * 0 (default): never, the consumer holds the lines in EVENTS until the store is back.
     */
    ARCHIVE_MAX_DELIVER: z.coerce.number().int().min(0).max(10_000).default(0),
    /** Rehydration jobs worked at once by this replica. */
    ARCHIVE_REHYDRATION_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    /** Queued or running jobs a tenant may have at once. */
    ARCHIVE_REHYDRATION_MAX_ACTIVE_PER_TENANT: z.coerce.number().int().min(1).max(100).default(3),
    /** Longest range one job may cover. */
    ARCHIVE_REHYDRATION_MAX_RANGE_HOURS: z.coerce.number().int().min(1).max(24 * 400).default(24 * 31),
    /** Lines one job indexes at most; the job stops there and says so. */
    ARCHIVE_REHYDRATION_MAX_LINES: z.coerce.number().int().min(1).default(20_000_000),
    /** How long a rehydrated index stays searchable after its job finished. */
    ARCHIVE_REHYDRATION_TTL_SECONDS: z.coerce.number().int().min(1).max(90 * 86400).default(72 * 3600),
    /** How often queued jobs are looked for, expired indices removed. */
    ARCHIVE_REHYDRATION_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
    ARCHIVE_CLEANUP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    /** A job whose worker stopped renewing its lease this long is taken over by another replica. */
    ARCHIVE_REHYDRATION_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    /**
     * Fault injection for the end-to-end tests only: exit right after the first part's upload was
     * verified, before its messages are acked, as a crash would. Never set it in production.
     */
    ARCHIVER_FAULT_CRASH_BEFORE_ACK: booleanFlag.default('false'),
  })
  .superRefine((config, ctx) => {
    if (config.ARCHIVE_ACK_WAIT_MS < config.ARCHIVE_PART_MAX_AGE_MS + 2 * config.ARCHIVE_STORE_TIMEOUT_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ARCHIVE_ACK_WAIT_MS'],
        message: 'must be at least ARCHIVE_PART_MAX_AGE_MS + 2 × ARCHIVE_STORE_TIMEOUT_MS, or held messages would be redelivered while their part is uploaded',
      });
    }
  });
export type ArchiverConfig = z.infer<typeof archiverConfigSchema>;
export const ARCHIVER_CONFIG = Symbol('ARCHIVER_CONFIG');
