import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { parseQuery, QuerySyntaxError } from '@millrace/query-language';

const fieldType = z.enum(['number', 'boolean', 'ip', 'date', 'string']);

export const ruleSchema = z.object({
  name: z.string().trim().min(1).max(200),
  app: z.string().trim().min(1).max(256).nullable().optional(),
  query: z.string().max(4096).nullable().optional(),
  pattern: z.object({
    kind: z.enum(['regex', 'grok']),
    source: z.string().min(1).max(4096),
    ignoreCase: z.boolean().optional(),
  }).strict(),
  fieldTypes: z.record(z.string().min(1).max(128), fieldType).refine((v) => Object.keys(v).length <= 50, 'at most 50 field types').optional(),
  enabled: z.boolean().optional(),
  position: z.number().int().min(0).max(1_000_000).optional(),
}).strict();
export type RuleInput = z.infer<typeof ruleSchema>;

const sampleLine = z.union([
  z.string().max(32 * 1024).transform((line) => ({ line })),
  z.object({ line: z.string().max(32 * 1024), app: z.string().max(256).optional(), host: z.string().max(256).optional() }).strict(),
]);
export const samplesSchema = z.array(sampleLine).min(1).max(100);

export const dryRunSchema = z.object({ rule: ruleSchema, lines: samplesSchema }).strict();
export const savedDryRunSchema = z.object({ lines: samplesSchema }).strict();

export const redactionSchema = z.object({
  email: z.boolean(),
  creditCard: z.boolean(),
  ipv4: z.boolean().default(false),
  ipv6: z.boolean().default(false),
  custom: z.array(z.object({
    name: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1-32 of a-z, 0-9, _ and -'),
    pattern: z.string().min(1).max(1024),
    ignoreCase: z.boolean().optional(),
  }).strict()).max(20).default([]),
}).strict();
export type RedactionInput = z.infer<typeof redactionSchema>;

/** Validate a body with a schema; the 400 names the field and the problem. */
export function parseBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BadRequestException(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return result.data;
}

export function checkQuery(query: string | null | undefined): void {
  if (!query) return;
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new BadRequestException(`query: ${error.message}`);
    throw error;
  }
}
