import { z } from 'zod';
import { named, uuidSchema, nonBlank } from '@millrace/service-kit';

const name = nonBlank(200);
const query = z.string().max(4096).describe('the lines the rule applies to');
const rate = z.number().int().min(2).max(1_000_000).describe('keep one line in `rate`');

export const routingRuleSchema = named('RoutingRuleRequest', z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exclude'), name, query, action: z.enum(['drop', 'noIndex']).default('drop'), enabled: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('sample'), name, query, rate, enabled: z.boolean().optional() }).strict(),
]), { example: { kind: 'exclude', name: 'health checks', query: 'app:lb "GET /health"', action: 'drop' } });

export const routingRulePatchSchema = named('RoutingRulePatch', z.object({
  name: name.optional(), query: query.optional(), kind: z.enum(['exclude', 'sample']).optional(),
  action: z.enum(['drop', 'noIndex']).optional(), rate: rate.optional(), enabled: z.boolean().optional(),
}).strict());

export const routingRuleIdParamsSchema = z.object({ id: uuidSchema }).strict();

export const routingRuleOutputSchema = named('RoutingRule', z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['exclude', 'sample']),
  query: z.string(),
  action: z.enum(['drop', 'noIndex']).optional(),
  rate: z.number().int().optional(),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}));
