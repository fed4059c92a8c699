import { z } from 'zod';
import { baseConfigSchema, booleanFlag, databaseConfigSchema, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';

export const queryApiConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(openSearchConfigSchema).merge(databaseConfigSchema).extend({
  SEARCH_MAX_LIMIT: z.coerce.number().int().min(1).max(10000).default(10000),
  SEARCH_DEFAULT_RANGE: z.string().regex(/^-\d+[smhdw]$/).default('-24h'),
  ALERTS_MAX_PER_TENANT: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Seals archive destination credentials (AES-256-GCM, HKDF-SHA256); the archiver holds the same key to open them. At least 32 characters. */
  ARCHIVE_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)').optional(),
  /** Root folder of filesystem archive destinations (the archiver's); unset: filesystem destinations are refused. */
  ARCHIVE_FS_ROOT: z.string().refine((v) => v.startsWith('/'), 'must be an absolute path').optional(),
  /** Let tenants point an S3 endpoint at loopback or private addresses (single-machine installs with a local store). */
  ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: booleanFlag.default('false'),
});
export type QueryApiConfig = z.infer<typeof queryApiConfigSchema>;
export const QUERY_API_CONFIG = Symbol('QUERY_API_CONFIG');
