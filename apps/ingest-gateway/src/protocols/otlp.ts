import { aliasQuery, canonicalFields, withCanonicalFields } from '@millrace/field-aliases';
import { normaliseLevel } from '@millrace/log-schema';
import { errorMessage, ProtocolError, tooManyLines, unsupportedMediaType } from './errors';
import { boundMeta, isObject, jsonLineText, own, setField, type Fields } from './fields';
import { REQUEST_LIMITS } from './limits';
import { OtlpTypes } from './otlp-proto';
import { countNestedField } from './protowire';
import { ResultBuilder } from './result';
import { bodyText, parseJsonBody } from './text';
import { mediaType, type DecodeContext, type DecodeResult } from './types';

const JSON_TYPES = ['application/json'];
const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];
const DIGITS = /^\d{1,20}$/;
const HEX_ID = /^[0-9a-fA-F]+$/;
const ZEROS = /^0+$/;
const TRAILING_DIGITS = /\d+$/;
/**
 * AnyValue nesting converted at most (deeper becomes a marker): keeps the recursion far from
 * the stack limit on hostile JSON. Meta bounding cuts at `maxDepth` and stringifies below.
 */
const MAX_VALUE_DEPTH = 64;
const LEVEL_BY_SEVERITY = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const RESOURCE_ALIASES = aliasQuery({ roles: ['app', 'host'] });
const RECORD_ALIASES = aliasQuery({ roles: ['app', 'level'] });

/**
 * OTLP/HTTP logs, `POST /v1/logs`: `application/json` (OTLP/JSON) or `application/x-protobuf`
 * (ExportLogsServiceRequest). Context: `contentType` (or `headers['content-type']`).
 *
 * Mapping, per LogRecord:
 * - line: a string body as is; any other body as JSON text; no body: `eventName` or "".
 * - ts: `timeUnixNano`, else `observedTimeUnixNano`, as epoch ms (0 means unset).
 * - app: resource `service.name` (by the field-alias table: without one, or with the SDK's
 *   `unknown_service`, e.g. `k8s.container.name`); host: resource `host.name` (else e.g.
 *   `k8s.node.name`).
 * - level: `severityNumber` 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error,
 *   21-24 fatal; without one, `severityText` normalised.
 * - meta: `trace_id`/`span_id` (hex), `trace_flags`, `event.name`, the record's attributes
 *   (keys as sent; trace context under the canonical names), resource attributes as
 *   `resource.<key>` and Kubernetes ones also as `k8s.*` (field-alias table), `scope.name`,
 *   `scope.version`, scope attributes as `scope.<key>`. Dotted keys become paths in the parser.
 */
export function decodeOtlpLogs(body: Buffer, ctx: DecodeContext): DecodeResult {
  const type = mediaType(ctx);
  if (type !== undefined && JSON_TYPES.includes(type)) return decodeOtlpJson(body);
  if (type !== undefined && PROTOBUF_TYPES.includes(type)) return decodeOtlpProtobuf(body);
  throw unsupportedMediaType(type, [...JSON_TYPES, ...PROTOBUF_TYPES]);
}

export function decodeOtlpJson(body: Buffer, _ctx: DecodeContext = {}): DecodeResult {
  const doc = parseJsonBody(bodyText(body));
  if (!isObject(doc)) throw new ProtocolError(400, 'body: expected an ExportLogsServiceRequest object');
  return mapRequest(doc);
}

export function decodeOtlpProtobuf(body: Buffer, _ctx: DecodeContext = {}): DecodeResult {
  // resource_logs(1) → scope_logs(2) → log_records(2), counted before anything is allocated.
  const records = countNestedField(body, [1, 2, 2], REQUEST_LIMITS.maxLinesPerRequest);
  if (records > REQUEST_LIMITS.maxLinesPerRequest) throw tooManyLines(records);
  let message: object;
  try {
    message = OtlpTypes.ExportLogsServiceRequest.decode(body);
  } catch (err) {
    throw new ProtocolError(400, `invalid protobuf ExportLogsServiceRequest: ${errorMessage(err)}`);
  }
  return mapRequest(message);
}

/** Both encodings: protobuf messages carry defaults on their prototype, JSON may use snake_case. */
function get(obj: object, camel: string, snake?: string): unknown {
  const value = own(obj, camel);
  return value !== undefined || snake === undefined ? value : own(obj, snake);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function mapRequest(request: object): DecodeResult {
  const out = new ResultBuilder();
  let index = 0;
  for (const resourceLogs of list(get(request, 'resourceLogs', 'resource_logs'))) {
    if (!isObject(resourceLogs)) continue;
    const resource = get(resourceLogs, 'resource');
    const resourceAttrs = isObject(resource) ? attributes(get(resource, 'attributes')) : {};
    // app and host by the field-alias table (`service.name`, else e.g. `k8s.container.name`
    // when the SDK only knows `unknown_service`; `host.name`, else `k8s.node.name`).
    const aliases = RESOURCE_ALIASES.resolve(resourceAttrs);
    const app = aliases.app?.value;
    const host = aliases.host?.value;
    // Bounded once per resource: its attributes are copied onto every record. Kubernetes
    // attributes are also stored under the k8s.* names every shipper's land in.
    const resourceMeta = boundMeta(prefixed('resource.', resourceAttrs), out, undefined, canonicalFields(aliases.canonical)).meta ?? {};
    const scopes = list(get(resourceLogs, 'scopeLogs', 'scope_logs') ?? get(resourceLogs, 'instrumentationLibraryLogs'));
    for (const scopeLogs of scopes) {
      if (!isObject(scopeLogs)) continue;
      const scope = get(scopeLogs, 'scope') ?? get(scopeLogs, 'instrumentationLibrary');
      const scopeMeta = isObject(scope) ? boundMeta(scopeFields(scope), out).meta ?? {} : {};
      const records = list(get(scopeLogs, 'logRecords', 'log_records'));
      out.expect(records.length);
      for (const record of records) {
        const i = index++;
        if (!isObject(record)) {
          out.reject(i, `logRecords[${i}]: expected a LogRecord object`);
          continue;
        }
        mapRecord(out, record, app, host, resourceMeta, scopeMeta);
      }
    }
  }
  return out.result();
}

function mapRecord(out: ResultBuilder, record: Fields, app: unknown, host: unknown, resourceMeta: Fields, scopeMeta: Fields): void {
  const meta: Fields = {};
  const traceId = hexId(get(record, 'traceId', 'trace_id'));
  if (traceId !== undefined) meta.trace_id = traceId;
  const spanId = hexId(get(record, 'spanId', 'span_id'));
  if (spanId !== undefined) meta.span_id = spanId;
  const flags = get(record, 'flags');
  if (typeof flags === 'number' && flags !== 0) meta.trace_flags = flags;
  const eventName = get(record, 'eventName', 'event_name');
  if (typeof eventName === 'string' && eventName !== '') meta['event.name'] = eventName;
  const given = attributes(get(record, 'attributes'));
  // Trace context and Kubernetes attributes under their canonical names.
  const aliases = RECORD_ALIASES.resolve(given);
  const attrs = aliases.canonical !== undefined ? withCanonicalFields(given, aliases.canonical) : given;
  for (const key in attrs) setField(meta, key, attrs[key]);
  Object.assign(meta, resourceMeta, scopeMeta);

  const body = get(record, 'body');
  const value = isObject(body) ? anyValue(body, 0) : undefined;
  const line = typeof value === 'string' ? value : value === undefined ? (typeof eventName === 'string' ? eventName : '') : jsonLineText(value);

  out.add({
    line,
    ts: nanosToMs(get(record, 'timeUnixNano', 'time_unix_nano')) ?? nanosToMs(get(record, 'observedTimeUnixNano', 'observed_time_unix_nano')),
    app: app ?? aliases.app?.value,
    host,
    level: severity(get(record, 'severityNumber', 'severity_number'), get(record, 'severityText', 'severity_text')) ?? aliases.level?.value,
    meta,
  });
}

function scopeFields(scope: Fields): Fields {
  const fields: Fields = {};
  const name = get(scope, 'name');
  const version = get(scope, 'version');
  if (typeof name === 'string' && name !== '') fields['scope.name'] = name;
  if (typeof version === 'string' && version !== '') fields['scope.version'] = version;
  return Object.assign(fields, prefixed('scope.', attributes(get(scope, 'attributes'))));
}

function prefixed(prefix: string, attrs: Fields): Fields {
  const out: Fields = {};
  for (const key in attrs) out[prefix + key] = attrs[key];
  return out;
}

/** KeyValue list → object (a repeated key keeps its last value). */
function attributes(kvs: unknown, depth = 0): Fields {
  const out: Fields = {};
  for (const kv of list(kvs)) {
    if (!isObject(kv)) continue;
    const key = get(kv, 'key');
    if (typeof key !== 'string') continue;
    const value = get(kv, 'value');
    setField(out, key, isObject(value) ? anyValue(value, depth) ?? null : null);
  }
  return out;
}

/** AnyValue → plain value. int64 stays a number when exact, else its decimal text. */
function anyValue(v: Fields, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) return '[nested too deep]';
  let x: unknown;
  if ((x = get(v, 'stringValue', 'string_value')) !== undefined) return typeof x === 'string' ? x : String(x);
  if ((x = get(v, 'boolValue', 'bool_value')) !== undefined) return x === true || x === 'true';
  if ((x = get(v, 'intValue', 'int_value')) !== undefined) return int64(x);
  if ((x = get(v, 'doubleValue', 'double_value')) !== undefined) return typeof x === 'number' ? x : Number(x);
  if ((x = get(v, 'arrayValue', 'array_value')) !== undefined) {
    const values = isObject(x) ? list(get(x, 'values')) : [];
    return values.map((item) => (isObject(item) ? anyValue(item, depth + 1) ?? null : null));
  }
  if ((x = get(v, 'kvlistValue', 'kvlist_value')) !== undefined) return isObject(x) ? attributes(get(x, 'values'), depth + 1) : {};
  if ((x = get(v, 'bytesValue', 'bytes_value')) !== undefined) {
    // JSON carries base64 already; protobuf gives bytes.
    return x instanceof Uint8Array ? Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64') : String(x);
  }
  return undefined;
}

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
  toString(): string;
}

function isLong(x: unknown): x is LongLike {
  return typeof x === 'object' && x !== null && typeof (x as LongLike).low === 'number' && typeof (x as LongLike).high === 'number';
}

function int64(x: unknown): number | string | null {
  if (typeof x === 'number') return x;
  const text = isLong(x) ? x.toString() : typeof x === 'string' ? x.trim() : undefined;
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** Nanoseconds since the epoch (fixed64: Long, number or decimal string) → ms; 0 is "unset". */
function nanosToMs(x: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof x === 'number') ms = Math.floor(x / 1e6);
  else if (typeof x === 'string') ms = DIGITS.test(x) && x.length > 6 ? Number(x.slice(0, -6)) : undefined;
  else if (isLong(x)) ms = Math.floor(((x.high >>> 0) * 4294967296 + (x.low >>> 0)) / 1e6);
  return ms !== undefined && ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

function severity(number: unknown, text: unknown): string | undefined {
  let n = typeof number === 'number' ? number : NaN;
  if (typeof number === 'string') {
    // OTLP/JSON should send the integer; some senders send the enum name.
    const name = number.startsWith('SEVERITY_NUMBER_') ? number.slice(16).replace(TRAILING_DIGITS, '') : number;
    if (DIGITS.test(number)) n = Number(number);
    else return normaliseLevel(name) ?? normaliseLevel(text);
  }
  if (Number.isInteger(n) && n >= 1 && n <= 24) return LEVEL_BY_SEVERITY[Math.floor((n - 1) / 4)];
  return typeof text === 'string' ? normaliseLevel(text) : undefined;
}

/** Trace and span ids: bytes (protobuf) or hex (OTLP/JSON); all zero or empty means none. */
function hexId(x: unknown): string | undefined {
  let hex: string | undefined;
  if (x instanceof Uint8Array) hex = Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex');
  else if (typeof x === 'string' && x !== '') {
    if (HEX_ID.test(x) && x.length % 2 === 0) hex = x.toLowerCase();
    else hex = Buffer.from(x, 'base64').toString('hex'); // proto3 JSON mapping sends bytes as base64
  }
  if (hex === undefined || hex === '' || hex.length > 64 || ZEROS.test(hex)) return undefined;
  return hex;
}

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

export type OtlpFormat = 'json' | 'protobuf';

export interface OtlpResponse {
  contentType: string;
  body: Buffer;
}

/** The encoding to answer in: the request's. */
export function otlpFormat(ctx: DecodeContext): OtlpFormat {
  const type = mediaType(ctx);
  return type !== undefined && PROTOBUF_TYPES.includes(type) ? 'protobuf' : 'json';
}

/**
 * 200 body: ExportLogsServiceResponse, with `partialSuccess` when some records were rejected
 * (their count and the first reasons), empty otherwise.
 */
export function otlpSuccessResponse(result: Pick<DecodeResult, 'rejected'>, format: OtlpFormat): OtlpResponse {
  const response: Fields = {};
  if (result.rejected.length > 0) {
    const reasons = result.rejected.slice(0, 3).map((r) => r.reason).join('; ');
    response.partialSuccess = {
      rejectedLogRecords: result.rejected.length,
      errorMessage: result.rejected.length > 3 ? `${reasons}; and ${result.rejected.length - 3} more` : reasons,
    };
  }
  if (format === 'json') {
    const json = response.partialSuccess
      ? { partialSuccess: { ...(response.partialSuccess as Fields), rejectedLogRecords: String(result.rejected.length) } }
      : {};
    return { contentType: 'application/json', body: Buffer.from(JSON.stringify(json)) };
  }
  const type = OtlpTypes.ExportLogsServiceResponse;
  return { contentType: 'application/x-protobuf', body: Buffer.from(type.encode(type.fromObject(response)).finish()) };
}

/** 4xx body: google.rpc.Status (code 3 INVALID_ARGUMENT, or 8 RESOURCE_EXHAUSTED for 413). */
export function otlpErrorResponse(err: ProtocolError, format: OtlpFormat): OtlpResponse {
  const status = { code: err.status === 413 ? 8 : 3, message: err.message };
  if (format === 'json') return { contentType: 'application/json', body: Buffer.from(JSON.stringify(status)) };
  return { contentType: 'application/x-protobuf', body: Buffer.from(OtlpTypes.Status.encode(OtlpTypes.Status.fromObject(status)).finish()) };
}
