import { z } from 'zod';
import { baseConfigSchema, natsConfigSchema } from '@millrace/service-kit';

export const parserConfigSchema = baseConfigSchema.merge(natsConfigSchema).extend({
  PARSER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PARSER_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
});
export type ParserConfig = z.infer<typeof parserConfigSchema>;
export const PARSER_CONFIG = Symbol('PARSER_CONFIG');
