import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';
import { parseQuery, QuerySyntaxError } from '@millrace/query-language';

/** Validate a request body with a zod schema: a 400 naming the field and the problem. */
export function parseBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BadRequestException(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return result.data;
}

/** A query that must parse (rules and drain filters run it in memory on every line). */
export function checkQuery(query: string | undefined, name = 'query'): void {
  if (!query) return;
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new BadRequestException({ message: `${name}: ${error.message}`, details: { position: error.position, expected: error.expected } });
    throw error;
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
