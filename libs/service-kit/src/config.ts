import { z } from 'zod';
import { httpServerConfigSchema } from './http-server';

/** Raised before the app starts when a setting is missing or malformed; names every bad setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);
const url = (protocols: string[]) =>
  z.string().url().refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
    message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  });

/** Settings every service has. */
export const baseConfigSchema = z.object({
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: port.default(8080),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Milliseconds given to in-flight work on shutdown before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
}).merge(httpServerConfigSchema);

export const natsConfigSchema = z.object({
  NATS_URL: z.string().min(1).refine((v) => v.split(',').every((s) => /^(nats|tls|wss?):\/\/./.test(s.trim())), {
    message: 'must be a comma-separated list of nats:// or tls:// URLs',
  }),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_TOKEN: z.string().optional(),
  NATS_TLS_CA_FILE: z.string().optional(),
  NATS_TLS_CERT_FILE: z.string().optional(),
  NATS_TLS_KEY_FILE: z.string().optional(),
  /** Stream replicas: 1 for a single node, 3 in production. */
  JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  JETSTREAM_MAX_AGE_HOURS: z.coerce.number().positive().default(72),
  JETSTREAM_MAX_BYTES: z.coerce.number().int().positive().default(8 * 1024 ** 3),
});

export const databaseConfigSchema = z.object({
  DATABASE_URL: url(['postgres', 'postgresql']),
  DATABASE_SSL: booleanFlag.default('false'),
  DATABASE_SSL_CA_FILE: z.string().optional(),
});

/** One URL, or a comma-separated list of an OpenSearch cluster's nodes. */
const urlList = (protocols: string[]) =>
  z.string().min(1).refine((v) => v.split(',').every((s) => url(protocols).safeParse(s.trim()).success), {
    message: `must be a comma-separated list of ${protocols.map((p) => `${p}://`).join(' or ')} URLs`,
  });

export const openSearchConfigSchema = z.object({
  OPENSEARCH_URL: urlList(['http', 'https']),
  OPENSEARCH_USERNAME: z.string().optional(),
  OPENSEARCH_PASSWORD: z.string().optional(),
  OPENSEARCH_TLS_CA_FILE: z.string().optional(),
  /** gzip request bodies to OpenSearch (worth it across slow links). */
  OPENSEARCH_COMPRESSION: booleanFlag.default('false'),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type NatsConfig = z.infer<typeof natsConfigSchema>;
export type DatabaseConfig = z.infer<typeof databaseConfigSchema>;
export type OpenSearchConfig = z.infer<typeof openSearchConfigSchema>;

export { booleanFlag, port as portSetting };

/**
 * Validate the environment against a schema before anything starts. Empty strings count as
 * unset so `FOO=` in an env file falls back to the default instead of failing obscurely.
 */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const problem = issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required but not set' : issue.message;
        return `${name}: ${problem}`;
      }),
    );
  }
  return result.data;
}
