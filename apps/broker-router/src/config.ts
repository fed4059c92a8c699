import { z } from 'zod';
import { baseConfigSchema, natsConfigSchema } from '@millrace/service-kit';

export const routerConfigSchema = baseConfigSchema.merge(natsConfigSchema).extend({
  /** INGEST batches routed at once by this replica. */
  ROUTER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  ROUTER_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
});
export type RouterConfig = z.infer<typeof routerConfigSchema>;
export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');
