import { z } from 'zod';
import { baseConfigSchema, natsConfigSchema } from '@millrace/service-kit';

export const gatewayConfigSchema = baseConfigSchema.merge(natsConfigSchema).extend({
  /** Largest request body accepted, after decompression too (413 beyond). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Batches of one request being published at once. */
  PUBLISH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** How long one batch may wait for the broker's acknowledgement before the request gets 503. */
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /** Seconds told to shippers in Retry-After when the broker cannot take data. */
  RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
