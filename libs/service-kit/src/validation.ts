import { BadRequestException, Body, Param, Query, createParamDecorator, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { z, ZodIssue, ZodTypeAny } from 'zod';
import { parseQuery, QuerySyntaxError } from '@millrace/query-language';

/** Where a request value comes from, as OpenAPI names it. */
export type InputLocation = 'body' | 'query' | 'path' | 'header';

/** One refused value: where it is and what is wrong with it (never the value itself: it may be a password). */
export interface InvalidField {
  /** Dotted path inside the location (`lines.0.app`, `limit`); empty for the whole body. */
  path: string;
  location: InputLocation;
  message: string;
}

/** The `error.code` of a request refused by its schema. */
export const VALIDATION_FAILED = 'validation_failed';
/** The `error.code` of a value of the right shape that is still wrong (see InvalidValueError). */
export const INVALID_VALUE = 'invalid_value';

function describeIssue(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? 'is required' : `must be ${issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_enum_value':
      return `must be one of ${issue.options.map(String).join(', ')}`;
    case 'invalid_literal':
      return `must be ${JSON.stringify(issue.expected)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'invalid_union_discriminator':
      return `must be one of ${issue.options.map(String).join(', ')}`;
    default:
      return issue.message;
  }
}

function fieldsOf(issues: ZodIssue[], location: InputLocation): InvalidField[] {
  const fields: InvalidField[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.unionErrors.length > 0) {
      // The alternative that got furthest says the most.
      const best = [...issue.unionErrors].sort((a, b) => deepest(b.issues) - deepest(a.issues))[0];
      fields.push(...fieldsOf(best.issues, location));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields.push({ path: [...issue.path, key].join('.'), location, message: 'is not a known field' });
      continue;
    }
    fields.push({ path: issue.path.join('.'), location, message: describeIssue(issue) });
  }
  return fields;
}

function deepest(issues: ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function label(field: InvalidField): string {
  if (field.location === 'body') return field.path ? field.path : 'the body';
  return `${field.location === 'path' ? 'path parameter' : field.location === 'header' ? 'header' : 'query parameter'} ${field.path || '(all)'}`;
}

/** The one 400 for refused input: the common error body with every invalid field in `details`. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly fields: InvalidField[], code: string = VALIDATION_FAILED) {
    super({
      code,
      message: `invalid request: ${fields.map((f) => `${label(f)} ${f.message}`).join('; ')}`,
      details: fields,
    });
  }
}

/** In a query string, `?limit=` means no limit given: empty values are left out before validation. */
function withoutEmpty(query: unknown): unknown {
  if (!query || typeof query !== 'object') return query ?? {};
  return Object.fromEntries(Object.entries(query as Record<string, unknown>).filter(([, v]) => v !== ''));
}

/** Validate a value against a schema, or throw the one 400 naming every invalid field. */
export function validate<S extends ZodTypeAny>(schema: S, value: unknown, location: InputLocation): z.output<S> {
  const result = schema.safeParse(location === 'query' ? withoutEmpty(value) : value ?? (location === 'body' ? undefined : {}));
  if (result.success) return result.data;
  // Refinements (a query that must parse, a template, a time zone) are checks no JSON Schema can
  // state: their failures are invalid_value; anything the documented schema says is validation_failed.
  const semantic = result.error.issues.every((issue) => issue.code === 'custom');
  throw new RequestValidationError(fieldsOf(result.error.issues, location), semantic ? INVALID_VALUE : VALIDATION_FAILED);
}

/**
 * The one validation pipe: `@Body(new ZodValidationPipe(schema, 'body'))`, or shorter
 * `@ValidBody(schema)`, `@ValidQuery(schema)`, `@ValidParams(schema)`, `@ValidHeaders(schema)`.
 * The OpenAPI documents are generated from the schemas held by these pipes, so what is
 * documented is exactly what is validated.
 */
export class ZodValidationPipe<S extends ZodTypeAny = ZodTypeAny> implements PipeTransform<unknown, z.output<S>> {
  constructor(readonly schema: S, readonly location: InputLocation) {}

  transform(value: unknown): z.output<S> {
    return validate(this.schema, value, this.location);
  }
}

/** The whole JSON body, validated. A missing body is validated as `{}` only if the schema says so. */
export const ValidBody = (schema: ZodTypeAny): ParameterDecorator => Body(new ZodValidationPipe(schema, 'body'));
/** The whole query string as one object, validated (use `z.coerce` for numbers). */
export const ValidQuery = (schema: ZodTypeAny): ParameterDecorator => Query(new ZodValidationPipe(schema, 'query'));
/** The path parameters as one object, validated. */
export const ValidParams = (schema: ZodTypeAny): ParameterDecorator => Param(new ZodValidationPipe(schema, 'path'));
export const HEADERS_SCHEMA_METADATA = 'millrace:headers-schema';

// The schema travels wrapped: Nest takes any decorator data with a `transform` method (as zod schemas have) for a pipe.
const validatedHeaders = createParamDecorator((data: { schema: ZodTypeAny }, ctx: ExecutionContext) =>
  validate(data.schema, ctx.switchToHttp().getRequest<{ headers: unknown }>().headers, 'header'));

/**
 * Request headers (lower-case names), validated; the schema should let other headers pass
 * (`.passthrough()`). Nest runs no pipes on headers, so this decorator validates by itself.
 */
export const ValidHeaders = (schema: ZodTypeAny): ParameterDecorator => (target, key, index) => {
  if (key !== undefined) Reflect.defineMetadata(HEADERS_SCHEMA_METADATA, schema, target.constructor, key);
  validatedHeaders({ schema })(target, key, index);
};

/**
 * A check a schema cannot express (a query that must parse, a time that must exist, `from`
 * before `to`): a 400 in the same shape, naming the field.
 */
export class InvalidValueError extends BadRequestException {
  constructor(field: Omit<InvalidField, 'message'>, message: string, extra?: Record<string, unknown>) {
    super({ code: INVALID_VALUE, message, details: [{ ...field, message, ...extra }] });
  }
}

/**
 * The one check of a query-language string (search, tail, rules, drains, views, alerts):
 * it must parse, or a 400 naming the field and where the syntax breaks.
 */
export function checkQuery(query: string | null | undefined, field: Omit<InvalidField, 'message'> = { path: 'query', location: 'body' }): void {
  if (!query) return;
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw new InvalidValueError(field, `${field.path}: ${error.message}`, { position: error.position, expected: error.expected });
    }
    throw error;
  }
}
