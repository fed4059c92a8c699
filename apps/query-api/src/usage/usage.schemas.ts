import { z } from 'zod';
import { named } from '@millrace/service-kit';

export const usageQuerySchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional().describe('a UTC day YYYY-MM-DD (default today)'),
}).strict();

// TODO(contracts): the broker-router's usage reply moves to libs/contracts as a zod schema; name it here instead.
const tally = z.object({
  received: z.number(), receivedBytes: z.number(), kept: z.number(), keptBytes: z.number(), excluded: z.number(), sampled: z.number(),
  noIndex: z.number(), overQuota: z.number(), overQuotaBytes: z.number(),
}).passthrough();

export const usageSchema = named('Usage', z.object({
  day: z.string(),
}).passthrough().describe('the day’s totals and per-app tallies (received, kept, excluded, sampled, noIndex, overQuota; lines and bytes) and the quota state'));
export const appTallySchema = named('AppTally', tally);
