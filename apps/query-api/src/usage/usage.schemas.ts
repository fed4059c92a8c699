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

export const appTallySchema = named('AppTally', tally);

export const usageSchema = named('Usage', z.object({
  tenant: z.string(),
  day: z.string(),
  apps: z.array(appTallySchema.and(z.object({ app: z.string() }))).describe('per app: lines and bytes received, kept, excluded, sampled out, not indexed, over quota'),
  totals: appTallySchema,
  quota: z.object({ exceeded: z.boolean(), usedBytes: z.number(), limitBytes: z.number().describe('0 = unlimited'), resetAt: z.number() }).passthrough(),
}).passthrough());
