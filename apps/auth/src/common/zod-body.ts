import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a request body against a zod schema: `@Body(new ZodBody(schema))`. The error lists
 * each problem by field; input values are never echoed (they may be passwords).
 */
export class ZodBody<S extends z.ZodTypeAny> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const details = result.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(body)',
      problem: issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message,
    }));
    throw new BadRequestException({
      message: `invalid request: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`,
      details,
    });
  }
}
