import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, natsConfigSchema, openSearchConfigSchema } from '@millrace/service-kit';

export const queryApiConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(openSearchConfigSchema).merge(databaseConfigSchema).extend({
  SEARCH_MAX_LIMIT: z.coerce.number().int().min(1).max(10000).default(10000),
  SEARCH_DEFAULT_RANGE: z.string().regex(/^-\d+[smhdw]$/).default('-24h'),
});
export type QueryApiConfig = z.infer<typeof queryApiConfigSchema>;
export const QUERY_API_CONFIG = Symbol('QUERY_API_CONFIG');
