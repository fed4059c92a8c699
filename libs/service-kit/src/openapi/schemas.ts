import { extendZodWithOpenApi, type ZodOpenAPIMetadata } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType, type ZodTypeAny } from 'zod';
import * as z4 from 'zod/v4';

// Teaches zod schemas to carry OpenAPI names, examples and formats (`.openapi()`), once per process.
extendZodWithOpenApi(z);

/**
 * Give a schema its OpenAPI component name (and examples or a description): every use of the
 * returned schema becomes a `$ref` to `#/components/schemas/<name>`. Validate with the returned
 * schema too, so the documented shape and the validated one are the same object.
 */
/** OpenAPI metadata; examples are JSON as sent (dates as strings), so they are not typed by the schema. */
export type SchemaMeta = Partial<ZodOpenAPIMetadata<unknown, unknown>>;

export function named<S extends ZodTypeAny>(name: string, schema: S, meta?: SchemaMeta): S {
  return schema.openapi(name, meta as never);
}

/** Add OpenAPI metadata (example, format, description) to a schema without naming it. */
export function documented<S extends ZodTypeAny>(schema: S, meta: SchemaMeta): S {
  return schema.openapi(meta as never);
}

export const invalidFieldSchema = named('InvalidField', z.object({
  path: z.string().describe('dotted path inside the location (`lines.0.app`, `limit`); empty for the whole body'),
  location: z.enum(['body', 'query', 'path', 'header']),
  message: z.string(),
}).passthrough());

/** The one error body of every endpoint. */
export const errorBodySchema = named('Error', z.object({
  error: z.object({
    status: z.number().int().describe('the HTTP status, repeated'),
    code: z.string().describe('stable machine-readable code: validation_failed, invalid_value, unauthorized, forbidden, not_found, conflict, rate_limited, …'),
    message: z.string().describe('for people; names the parameter or field at fault'),
    details: z.union([z.array(invalidFieldSchema), z.record(z.unknown())]).optional()
      .describe('for validation_failed and invalid_value: every invalid field with its location and path'),
    requestId: z.string().describe('also in the X-Request-Id header; quote it when reporting a problem'),
  }),
}), {
  example: {
    error: {
      status: 400, code: 'validation_failed', message: 'invalid request: query parameter limit must be less than or equal to 10000',
      details: [{ path: 'limit', location: 'query', message: 'Number must be less than or equal to 10000' }], requestId: '5f0c6f9e-8c1b-4e55-9a53-0a3c8e1f2b7d',
    },
  },
});

/** A Date answered as JSON: an ISO 8601 string in UTC. */
export const timestampSchema = documented(z.date(), { format: 'date-time' });

/** The path parameter `id` of most resources. */
export const uuidSchema = documented(z.string().uuid(), { format: 'uuid', example: '0b7f3d5e-6c1a-4f0e-9a9b-2f7d1c3e4a5b' });

/**
 * A schema written with zod's v4 engine (the pipeline shapes of log-schema) as a named OpenAPI
 * component: its JSON Schema comes from zod itself (`z.toJSONSchema`), so the shape is still
 * defined once. The returned schema only types and documents (answers are not validated with it).
 */
export function namedV4<T>(name: string, schema: z4.ZodType<T>, meta?: SchemaMeta): ZodType<T> {
  const json = z4.toJSONSchema(schema, {
    target: 'draft-7', io: 'output', unrepresentable: 'any',
    // Custom checks (field maps) are objects whose content is free.
    override: (ctx) => {
      if ((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === 'custom') (ctx.jsonSchema as { type?: string }).type = 'object';
    },
  }) as Record<string, unknown>;
  delete json.$schema;
  return named(name, z.custom<T>(), { ...json, ...meta } as SchemaMeta);
}

/**
 * A name or title: trimmed, 1 to `max` characters. The pattern says in the document what the
 * trim implies (at least one character that is not white space).
 */
export function nonBlank(max: number) {
  return z.string().trim().min(1).max(max).regex(/\S/, 'must not be blank');
}
