// Requests generated from the OpenAPI documents (libs/api-client/openapi): values every schema
// accepts, and values one schema refuses, as fast-check arbitraries. The generated-cases tests
// send them to the real services to prove the documents and the validation agree.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './stack';

export type Schema = Record<string, unknown> & {
  $ref?: string; type?: string; nullable?: boolean; enum?: unknown[]; format?: string; pattern?: string;
  minLength?: number; maxLength?: number; minimum?: number; maximum?: number; exclusiveMinimum?: boolean; exclusiveMaximum?: boolean;
  items?: Schema; minItems?: number; maxItems?: number; properties?: Record<string, Schema>; required?: string[];
  additionalProperties?: boolean | Schema; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[];
};

export interface Parameter { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema: Schema }

export interface Operation {
  service: 'query-api' | 'auth';
  method: string;
  path: string;
  operationId: string;
  parameters: Parameter[];
  body?: { schema: Schema; required: boolean };
  security: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  allowedRoles?: string[];
}

export interface ApiDocument { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Schema> } }

export function loadDocument(service: 'query-api' | 'auth'): ApiDocument {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'libs', 'api-client', 'openapi', `${service}.json`), 'utf8')) as ApiDocument;
}

export function operationsOf(service: 'query-api' | 'auth', doc: ApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as {
        operationId: string; parameters?: Parameter[]; security?: Operation['security']; responses: Operation['responses'];
        requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }; 'x-allowed-roles'?: string[];
      };
      ops.push({
        service, method: method.toUpperCase(), path: p, operationId: op.operationId, parameters: op.parameters ?? [],
        body: op.requestBody ? { schema: op.requestBody.content['application/json'].schema, required: op.requestBody.required !== false } : undefined,
        security: op.security ?? [], responses: op.responses, allowedRoles: op['x-allowed-roles'],
      });
    }
  }
  return ops;
}

/** Follows `$ref`s and merges `allOf`, so the generators see plain schemas. */
export function resolver(doc: ApiDocument) {
  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
    if (schema.allOf) {
      const parts = schema.allOf.map(resolve);
      return {
        type: 'object',
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
        required: parts.flatMap((p) => p.required ?? []),
        additionalProperties: parts.some((p) => p.additionalProperties === false) ? false : undefined,
      } as Schema;
    }
    return schema;
  };
  return resolve;
}

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);

/** Values of known formats that zod's checks accept; URLs always point at loopback's discard port (nothing is ever contacted). */
function formatted(format: string): fc.Arbitrary<string> | undefined {
  switch (format) {
    case 'uuid': return fc.uuid();
    case 'email': return fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example`);
    case 'date-time': return fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2099, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString());
    case 'uri': return word.map((w) => `http://127.0.0.1:9/${w}`);
    default: return undefined;
  }
}

function withinLength(s: Schema) {
  return (v: string) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity);
}

/** A value the schema accepts. */
export function validValue(schema: Schema, resolve: (s: Schema) => Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const base = validNonNull(s, resolve, depth);
  return s.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function validNonNull(s: Schema, resolve: (s: Schema) => Schema, depth: number): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => validValue(a, resolve, depth)));
  switch (s.type) {
    case 'string': {
      const fmt = s.format ? formatted(s.format) : undefined;
      if (fmt) return fmt.filter(withinLength(s));
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter(withinLength(s));
      const max = Math.min(s.maxLength ?? 40, (s.minLength ?? 0) + 40);
      return fc.string({ minLength: s.minLength ?? 0, maxLength: max, unit: 'grapheme-ascii' });
    }
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -1_000_000;
      const max = s.maximum ?? 1_000_000;
      if (s.type === 'integer') return fc.integer({ min: Math.max(min + (s.exclusiveMinimum ? 1 : 0), Number.MIN_SAFE_INTEGER), max: Math.min(max - (s.exclusiveMaximum ? 1 : 0), Number.MAX_SAFE_INTEGER) });
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true, minExcluded: !!s.exclusiveMinimum, maxExcluded: !!s.exclusiveMaximum });
    }
    case 'boolean': return fc.boolean();
    case 'array': {
      const items = s.items ? validValue(s.items, resolve, depth + 1) : fc.string();
      return fc.array(items, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3) });
    }
    case 'object':
    case undefined: {
      if (!s.properties && !s.additionalProperties && s.type === undefined) return fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const known: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) known[k] = validValue(v, resolve, depth + 1);
      const record = fc.record(known, { requiredKeys: [...required].filter((k) => k in known) });
      if (s.additionalProperties && typeof s.additionalProperties === 'object' && depth < 4) {
        const extra = fc.dictionary(word, validValue(s.additionalProperties, resolve, depth + 1), { maxKeys: 3 });
        return fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }));
      }
      return record;
    }
    default:
      return fc.constant(null);
  }
}

/**
 * Ways one value breaks its schema (each is refused by the schema itself, whatever else holds).
 * `base` adjusts the valid objects that one broken property is put into (top level only).
 */
export function invalidValue(schema: Schema, resolve: (s: Schema) => Schema, base: (v: unknown) => unknown = (v) => v): fc.Arbitrary<unknown> | undefined {
  const s = resolve(schema);
  const options: Array<fc.Arbitrary<unknown>> = [];
  if (s.enum && s.enum.every((e) => typeof e === 'string')) options.push(word.map((w) => `zz${w}`).filter((w) => !s.enum!.includes(w)));
  switch (s.type) {
    case 'string':
      options.push(fc.integer(), fc.boolean(), fc.constant([]));
      if (s.maxLength !== undefined) options.push(fc.constant('x'.repeat(s.maxLength + 1)));
      if (s.minLength) options.push(fc.constant(''));
      break;
    case 'integer':
    case 'number':
      options.push(fc.constant('12'), fc.boolean(), fc.constant({}));
      if (s.maximum !== undefined) options.push(fc.constant(s.maximum + 1));
      if (s.minimum !== undefined) options.push(fc.constant(s.minimum - 1));
      if (s.type === 'integer') options.push(fc.constant(1.5));
      break;
    case 'boolean':
      options.push(fc.constant('true'), fc.constant(1));
      break;
    case 'array':
      options.push(fc.constant('not an array'), fc.constant({}));
      if (s.maxItems !== undefined && s.items) options.push(fc.array(validValue(s.items, resolve), { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }));
      if (s.minItems) options.push(fc.constant([]));
      break;
    case 'object':
      options.push(fc.constant('not an object'), fc.constant([1]), fc.constant(42));
      if (s.required?.length) {
        // Everything valid but one required property left out.
        const valid = validValue(s, resolve).map(base) as fc.Arbitrary<Record<string, unknown>>;
        options.push(fc.tuple(valid, fc.constantFrom(...s.required)).map(([v, k]) => {
          const copy = { ...v };
          delete copy[k];
          return copy;
        }));
      }
      if (s.additionalProperties === false) {
        const valid = validValue(s, resolve).map(base) as fc.Arbitrary<Record<string, unknown>>;
        options.push(valid.map((v) => ({ ...v, zzUnknownField: 1 })));
      }
      if (s.properties) {
        // Everything valid but one property broken.
        const valid = validValue(s, resolve).map(base) as fc.Arbitrary<Record<string, unknown>>;
        for (const [k, v] of Object.entries(s.properties)) {
          const broken = invalidValue(v, resolve);
          if (broken) options.push(fc.tuple(valid, broken).map(([obj, bad]) => ({ ...obj, [k]: bad })));
        }
      }
      break;
    default:
      break;
  }
  if (!s.nullable && s.type) options.push(fc.constant(null));
  return options.length ? fc.oneof(...options) : undefined;
}

/** A query-string value that the parameter's schema refuses (numbers and strings travel as text). */
export function invalidQueryValue(schema: Schema, resolve: (s: Schema) => Schema): fc.Arbitrary<string> | undefined {
  const s = resolve(schema);
  const options: Array<fc.Arbitrary<string>> = [];
  if (s.enum) options.push(word.map((w) => `zz${w}`));
  if (s.type === 'integer' || s.type === 'number') {
    options.push(fc.constantFrom('abc', '1x', 'NaN'));
    if (s.maximum !== undefined) options.push(fc.constant(String(s.maximum + 1)), fc.constant('9999999999999999999'));
    if (s.minimum !== undefined) options.push(fc.constant(String(s.minimum - 1)));
    if (s.type === 'integer') options.push(fc.constant('1.5'));
  }
  if (s.type === 'string') {
    if (s.maxLength !== undefined && s.maxLength < 20_000) options.push(fc.constant('x'.repeat(s.maxLength + 1)));
    if (s.pattern) options.push(fc.constant('!!'));
  }
  return options.length ? fc.oneof(...options) : undefined;
}

/** Values meant to break parsers: out-of-range numbers, malformed and huge text. */
export const HOSTILE_VALUES = [
  '9999999999999999999', '-9999999999999999999', '1e309', '-1', '0', 'NaN', 'Infinity', '1.5', '0x10', '', ' ',
  'null', '[]', '{}', '%', '\u0000', '\u202e', '😀'.repeat(50), 'a'.repeat(10_000), "' OR 1=1 --", '../../etc/passwd', '${jndi:ldap://x}',
  '2026-13-45T99:99:99Z', '-99999999999w', 'now-', '(((((', 'level:', '"unterminated',
];
