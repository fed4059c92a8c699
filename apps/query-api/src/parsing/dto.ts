import { z } from 'zod';
import { named, uuidSchema, nonBlank } from '@millrace/service-kit';
import { eventSchema } from '../search/params.schemas';

const fieldType = z.enum(['number', 'boolean', 'ip', 'date', 'string']);

export const ruleSchema = named('ParsingRuleRequest', z.object({
  name: nonBlank(200),
  app: nonBlank(256).nullable().optional(),
  query: z.string().max(4096).nullable().optional(),
  pattern: z.object({
    kind: z.enum(['regex', 'grok']),
    source: z.string().min(1).max(4096),
    ignoreCase: z.boolean().optional(),
  }).strict(),
  fieldTypes: z.record(z.string().min(1).max(128), fieldType).refine((v) => Object.keys(v).length <= 50, 'at most 50 field types').optional(),
  enabled: z.boolean().optional(),
  position: z.number().int().min(0).max(1_000_000).optional(),
}).strict());
export const rulePatchSchema = named('ParsingRulePatch', ruleSchema.partial());
export type RuleInput = z.infer<typeof ruleSchema>;

const sampleLine = z.union([
  z.string().max(32 * 1024).transform((line) => ({ line })),
  z.object({ line: z.string().max(32 * 1024), app: z.string().max(256).optional(), host: z.string().max(256).optional() }).strict(),
]);
export const samplesSchema = z.array(sampleLine).min(1).max(100).describe('sample lines: strings, or {line, app?, host?}');

export const dryRunSchema = named('ParsingDryRunRequest', z.object({ rule: ruleSchema, lines: samplesSchema }).strict());
export const savedDryRunSchema = named('SavedRuleDryRunRequest', z.object({ lines: samplesSchema }).strict());

export const redactionSchema = named('RedactionSettings', z.object({
  email: z.boolean(),
  creditCard: z.boolean(),
  ipv4: z.boolean().default(false),
  ipv6: z.boolean().default(false),
  custom: z.array(z.object({
    name: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1-32 of a-z, 0-9, _ and -'),
    pattern: z.string().min(1).max(1024),
    ignoreCase: z.boolean().optional(),
  }).strict()).max(20).default([]),
}).strict());
export type RedactionInput = z.infer<typeof redactionSchema>;

export const redactionDryRunSchema = named('RedactionDryRunRequest', z.object({ settings: redactionSchema, lines: samplesSchema }).strict());

export const ruleIdParamsSchema = z.object({ id: uuidSchema }).strict();

export const ruleOutputSchema = named('ParsingRule', z.object({
  id: z.string(),
  name: z.string(),
  app: z.string().nullable(),
  query: z.string().nullable(),
  pattern: z.object({ kind: z.enum(['regex', 'grok']), source: z.string(), ignoreCase: z.boolean() }),
  fieldTypes: z.record(z.string()),
  position: z.number().int(),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('set when the workers turned the rule off (e.g. too slow)'),
  createdAt: z.string(),
  updatedAt: z.string(),
}));
export type RuleOutput = z.infer<typeof ruleOutputSchema>;

export const ruleListSchema = z.array(ruleOutputSchema);

export const dryRunResultSchema = named('ParsingDryRunResult', z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  events: z.array(eventSchema).optional().describe('what the parser made of each sample line'),
  matched: z.number().int().optional().describe('sample lines the rule matched'),
  timedOut: z.boolean().optional(),
  redactions: z.record(z.number()).optional().describe('redactions made, by kind'),
}));

export const redactionViewSchema = named('RedactionSettingsView', z.object({
  ...redactionSchema.shape,
  default: z.boolean().describe('true while the organisation has not set its own'),
}));
