import { z } from 'zod';
import { baseConfigSchema, booleanFlag, natsConfigSchema } from '@millrace/service-kit';

const optionalPort = z.coerce.number().int().min(1).max(65535).optional();
const optionalKey = z.string().regex(/^mlr_ik_[A-Za-z0-9_-]{8,}$/, 'must be an ingestion key (mlr_ik_…)').optional();

export const gatewayConfigSchema = baseConfigSchema.merge(natsConfigSchema).extend({
  /** Largest request body accepted, after decompression too (413 beyond). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Batches of one request being published at once. */
  PUBLISH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** How long one batch may wait for the broker's acknowledgement before the request gets 503. */
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /** Seconds told to shippers in Retry-After when the broker cannot take data. */
  RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),

  /** How long an organisation's settings (its ingest rate limit) are cached, per replica. */
  ORG_SETTINGS_CACHE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** Seconds of a tenant's rate a burst may use at once (token bucket capacity = rate × this). */
  RATE_LIMIT_BURST_SECONDS: z.coerce.number().min(0.1).max(3600).default(2),
  /** Share each tenant's token bucket with the other replicas (JetStream KV); false = per replica. */
  RATE_LIMIT_SHARED: booleanFlag.default('true'),
  /** How often a replica settles what it took with the shared bucket. */
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(20).max(10_000).default(200),

  /** Host the syslog and GELF listeners bind to (default: HTTP_HOST). */
  LISTEN_HOST: z.string().optional(),
  /** Syslog over TCP (RFC 5424/3164, octet counting or newline framing); unset = off. */
  SYSLOG_TCP_PORT: optionalPort,
  /** Bind the TCP port to one tenant: every message on it belongs to this ingestion key's organisation. */
  SYSLOG_TCP_KEY: optionalKey,
  /** Syslog over TLS; needs SYSLOG_TLS_CERT_FILE and SYSLOG_TLS_KEY_FILE (PEM). */
  SYSLOG_TLS_PORT: optionalPort,
  SYSLOG_TLS_CERT_FILE: z.string().optional(),
  SYSLOG_TLS_KEY_FILE: z.string().optional(),
  /** Bind the TLS port to one tenant, like SYSLOG_TCP_KEY. */
  SYSLOG_TLS_INGEST_KEY: optionalKey,
  /** Syslog over UDP (lossy by nature: see the README); unset = off. */
  SYSLOG_UDP_PORT: optionalPort,
  SYSLOG_UDP_KEY: optionalKey,
  /** Connections (TCP and TLS together) beyond this are refused at once. */
  SYSLOG_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** A connection that sends nothing for this long is closed. */
  SYSLOG_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(24 * 3_600_000).default(10 * 60_000),
  /** A connection's lines are published when this many are buffered… */
  SYSLOG_BATCH_LINES: z.coerce.number().int().min(1).max(1000).default(1000),
  /** …or this many bytes… */
  SYSLOG_BATCH_BYTES: z.coerce.number().int().min(1024).max(900 * 1024).default(512 * 1024),
  /** …or this long after the first buffered line. */
  SYSLOG_FLUSH_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  /** Bytes buffered by all connections together before every connection stops reading. */
  SYSLOG_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024 * 1024).max(16 * 1024 ** 3).default(256 * 1024 * 1024),

  /** GELF over UDP (chunked or not, gzip/zlib); unset = off. */
  GELF_UDP_PORT: optionalPort,
  /** The organisation of GELF UDP messages that carry no `_key` field. */
  GELF_UDP_KEY: optionalKey,
}).superRefine((config, ctx) => {
  if (config.SYSLOG_TLS_PORT !== undefined && (!config.SYSLOG_TLS_CERT_FILE || !config.SYSLOG_TLS_KEY_FILE)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['SYSLOG_TLS_CERT_FILE'], message: 'SYSLOG_TLS_PORT needs SYSLOG_TLS_CERT_FILE and SYSLOG_TLS_KEY_FILE' });
  }
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
