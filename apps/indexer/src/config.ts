import { z } from 'zod';
import { baseConfigSchema, booleanFlag, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';

export const indexerConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(openSearchConfigSchema).extend({
  /** EVENTS batches indexed at once; each is one `_bulk` request. */
  INDEXER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  INDEXER_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(8),
  INDEX_SHARDS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * Fault injection for the end-to-end tests only: exit right after the first successful bulk
   * write, before the ack, as a crash would. Never set it in production.
   */
  INDEXER_FAULT_CRASH_BEFORE_ACK: booleanFlag.default('false'),
  /** auto: ISM policies when the cluster has the plugin, else the indexer's own sweep. */
  RETENTION_MODE: z.enum(['auto', 'ism', 'sweep']).default('auto'),
  RETENTION_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86400).default(3600),
  INDEX_REPLICAS: z.coerce.number().int().min(0).max(5).default(0),
});
export type IndexerConfig = z.infer<typeof indexerConfigSchema>;
export const INDEXER_CONFIG = Symbol('INDEXER_CONFIG');
