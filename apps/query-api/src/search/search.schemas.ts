import { z } from 'zod';
import { named } from '@millrace/service-kit';
import { eventSchema, orderSchema, queryInt, rangeQuerySchema } from './params.schemas';

export const searchQuerySchema = rangeQuerySchema.extend({
  limit: queryInt(1, 10_000, 'events per page, 1..SEARCH_MAX_LIMIT (default 100)'),
  order: orderSchema.default('desc'),
  cursor: z.string().min(1).max(8192).optional().describe('`nextCursor` of the previous page, with the same q, from, to and order'),
  rehydrated: z.string().min(1).max(64).optional()
    .describe('a rehydration job id: search the archived lines it made searchable (the range defaults to the job’s)'),
}).strict();

export const searchPageSchema = named('SearchPage', z.object({
  events: z.array(eventSchema),
  nextCursor: z.string().optional().describe('pass back as `cursor` for the next page; absent on the last page'),
  took: z.number().describe('milliseconds OpenSearch spent'),
}));
export type SearchPage = z.infer<typeof searchPageSchema>;

export const eventContextSchema = named('EventContext', z.object({
  event: eventSchema,
  before: z.array(eventSchema).describe('oldest first, ending just before the event'),
  after: z.array(eventSchema).describe('oldest first, starting just after the event'),
}));

export const contextQuerySchema = z.object({
  before: queryInt(0, 500, 'lines before the event (default 20)'),
  after: queryInt(0, 500, 'lines after the event (default 20)'),
}).strict();

export const eventIdParamsSchema = z.object({ id: z.string().min(1).max(128).describe('the event id (`id` of a search result)') }).strict();

export const fieldsQuerySchema = rangeQuerySchema.extend({
  sample: queryInt(1, 5000, 'recent events sampled (default 1000)'),
}).strict();

export const fieldListSchema = named('FieldList', z.object({
  sampled: z.number().int().describe('events looked at'),
  fields: z.array(z.object({
    name: z.string(),
    types: z.array(z.string()),
    count: z.number().int().describe('sampled events that have the field'),
    examples: z.array(z.unknown()),
  })),
}));

export const exportQuerySchema = rangeQuerySchema.extend({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
  order: orderSchema.default('asc'),
  limit: queryInt(1, Number.MAX_SAFE_INTEGER, 'stop after this many events (default: all)'),
}).strict();
