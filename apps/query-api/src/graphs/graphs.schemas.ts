import { z } from 'zod';
import { named } from '@millrace/service-kit';
import { queryInt, rangeQuerySchema } from '../search/params.schemas';

const intervalSchema = z.string().regex(/^(auto|[0-9]{1,9}[smhd])$/, 'must be auto or a number with s, m, h or d (e.g. 30s, 5m)')
  .describe('auto (default, about 100 buckets) or 30s, 5m, 1h, 1d… (at most 500 buckets over the range)');
const fieldSchema = z.string().min(1).max(256).describe('a field name as in queries: app, host, level, status, http.status…');

export const histogramQuerySchema = rangeQuerySchema.extend({
  interval: intervalSchema.optional(),
  split: fieldSchema.optional().describe('a field to split by, e.g. app or status'),
  top: queryInt(1, 20, 'series kept when splitting (default 5)'),
}).strict();

export const topQuerySchema = rangeQuerySchema.extend({
  field: fieldSchema,
  size: queryInt(1, 1000, 'values listed (default 10)'),
}).strict();

export const statsQuerySchema = rangeQuerySchema.extend({
  field: fieldSchema.describe('a numeric field'),
  interval: intervalSchema.optional(),
  percentiles: z.string().max(200).regex(/^[0-9]{1,2}(\.[0-9]{1,6})?(,[0-9]{1,2}(\.[0-9]{1,6})?){0,9}$/, 'must be up to 10 numbers between 0 and 100, comma-separated')
    .default('50,95,99').describe('comma-separated, each between 0 and 100 (default 50,95,99)'),
}).strict();

export const histogramSchema = named('Histogram', z.object({
  interval: z.string(),
  buckets: z.array(z.number()).describe('bucket start times, epoch ms'),
  total: z.array(z.number()),
  series: z.array(z.object({ key: z.string(), counts: z.array(z.number()) })).optional()
    .describe('with a split: the top values’ counts per bucket, then "__other__" for the rest'),
}));

export const topValuesSchema = named('TopValues', z.object({
  field: z.string(),
  values: z.array(z.object({ value: z.union([z.string(), z.number()]), count: z.number() })),
  other: z.number().describe('events with another value than the ones listed'),
}));

const statsRowSchema = z.object({
  count: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  avg: z.number().nullable(),
  percentiles: z.record(z.number().nullable()),
});

export const numericStatsSchema = named('NumericStats', z.object({
  interval: z.string(),
  overall: statsRowSchema,
  buckets: z.array(statsRowSchema.extend({ ts: z.number() })),
}));
