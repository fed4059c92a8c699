import { ProtocolError } from './errors';
import { aliasedFields, aliasQuery } from '@millrace/field-aliases';
import { isObject, jsonLineText, type Fields } from './fields';
import { ResultBuilder } from './result';
import { bodyText, forEachLine, isBlank, tryParseJson } from './text';
import { queryParam, type DecodeContext, type DecodeResult } from './types';

/** Splunk HEC status codes: HTTP status and text, as Splunk answers them. */
export const HEC_CODES: Readonly<Record<number, { status: number; text: string }>> = {
  0: { status: 200, text: 'Success' },
  1: { status: 403, text: 'Token disabled' },
  2: { status: 401, text: 'Token is required' },
  3: { status: 401, text: 'Invalid authorization' },
  4: { status: 403, text: 'Invalid token' },
  5: { status: 400, text: 'No data' },
  6: { status: 400, text: 'Invalid data format' },
  7: { status: 400, text: 'Incorrect index' },
  8: { status: 500, text: 'Internal server error' },
  9: { status: 503, text: 'Server is busy' },
  10: { status: 400, text: 'Data channel is missing' },
  11: { status: 400, text: 'Invalid data channel' },
  12: { status: 400, text: 'Event field is required' },
  13: { status: 400, text: 'Event field cannot be blank' },
  14: { status: 400, text: 'ACK is disabled' },
  15: { status: 400, text: 'Error in handling indexed fields' },
  16: { status: 400, text: 'Query string authorization is not enabled' },
  17: { status: 200, text: 'HEC is healthy' },
  18: { status: 503, text: 'HEC is unhealthy, queues are full' },
};

export interface HecError {
  code: number;
  /** 0-based position of the first bad event, as Splunk's `invalid-event-number`. */
  invalidEventNumber?: number;
}

export interface HecResult extends DecodeResult {
  /** Set when an event was refused: answer with it after storing the accepted lines, as Splunk does. */
  hecError?: HecError;
}

/** `{status, body}` for a HEC code, e.g. `hecResponse(0)` → 200 `{"text":"Success","code":0}`. */
export function hecResponse(code: number, invalidEventNumber?: number): { status: number; body: Record<string, unknown> } {
  const entry = HEC_CODES[code] ?? HEC_CODES[8];
  const body: Record<string, unknown> = { text: entry.text, code: HEC_CODES[code] ? code : 8 };
  if (invalidEventNumber !== undefined) body['invalid-event-number'] = invalidEventNumber;
  return { status: entry.status, body };
}

/** The HEC answer for a ProtocolError from a HEC decoder (or any other: 413 → 400 code 6 too). */
export function hecErrorResponse(err: ProtocolError): { status: number; body: Record<string, unknown> } {
  const code = typeof err.details?.hecCode === 'number' ? err.details.hecCode : 6;
  const response = hecResponse(code, typeof err.details?.invalidEventNumber === 'number' ? err.details.invalidEventNumber : undefined);
  if (err.status === 413) response.status = 413;
  return response;
}

/**
 * Splits concatenated JSON objects (`{...}{...}` with or without white space between) by
 * bytes, so it can be fed chunk by chunk: braces, quotes and backslashes are ASCII and never
 * occur inside a multi-byte UTF-8 sequence. Holds at most one object (`maxObjectBytes`).
 */
export class JsonObjectSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Scan position inside `pending` (bytes before it were already scanned). */
  private scanned = 0;

  constructor(private readonly maxObjectBytes: number = 1024 * 1024) {}

  /**
   * Calls `onObject` for each complete object in this chunk (a view: copy it to keep it);
   * returns an error when the stream is not concatenated JSON objects (stop feeding then).
   */
  push(chunk: Buffer, onObject: (object: Buffer) => void): { error?: string } {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    let i = this.scanned;
    for (; i < data.length; i++) {
      const c = data[i];
      if (this.depth > 0 && i - start >= this.maxObjectBytes) return { error: `event larger than ${this.maxObjectBytes} bytes at byte ${start}` };
      if (this.depth === 0) {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          start = i + 1;
          continue;
        }
        if (c !== 0x7b /* { */) return { error: `expected { at byte ${i}` };
        start = i;
        this.depth = 1;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if ((c === 0x7d || c === 0x5d) && --this.depth === 0) {
        if (c !== 0x7d) return { error: `] closes the object at byte ${i}` };
        onObject(data.subarray(start, i + 1));
        start = i + 1;
      }
    }
    if (this.depth > 0) {
      data = data.subarray(start);
      this.pending = Buffer.from(data);
      this.scanned = data.length;
    } else {
      this.pending = Buffer.alloc(0);
      this.scanned = 0;
    }
    return {};
  }

  /** True when the input ended inside an object. */
  get incomplete(): boolean {
    return this.depth > 0;
  }
}

interface RequestDefaults {
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
}

function requestDefaults(ctx: DecodeContext): RequestDefaults {
  return {
    host: queryParam(ctx, 'host'),
    source: queryParam(ctx, 'source'),
    sourcetype: queryParam(ctx, 'sourcetype'),
    index: queryParam(ctx, 'index'),
  };
}

const FIELD_ALIASES = aliasQuery({ roles: ['app', 'level'] });
const EVENT_LEVEL = aliasQuery({ roles: ['level'], canonical: false });

/**
 * `POST /services/collector/event` (and `/services/collector`): concatenated JSON event
 * objects `{"time","host","source","sourcetype","index","event","fields"}`.
 * Context: `query.host|source|sourcetype|index` (defaults for every event).
 *
 * Mapping: line = `event` when a string, else its JSON text; ts = `time` (epoch seconds,
 * decimals allowed) as given; host = `host`; app = the app alias of `fields` (field-alias
 * table: `app`, `service`, `service.name`, `container_name`…), else `source`, else
 * `sourcetype`; level = the level alias of `fields`, else of the event object; meta = `fields`
 * (without the flat app name and the level used; trace and Kubernetes names canonical) plus
 * `source`, `sourcetype`, `index`.
 * Errors as Splunk: empty body → 400 code 5; not JSON objects → 400 code 6 (if some events
 * came first they are kept and `hecError` says where it stopped); an event without `event`
 * → code 12, blank → code 13, per event.
 */
export function decodeHecEvent(body: Buffer, ctx: DecodeContext): HecResult {
  const base = requestDefaults(ctx);
  const out = new ResultBuilder();
  let hecError: HecError | undefined;
  const fail = (code: number, index: number, reason: string): void => {
    hecError ??= { code, invalidEventNumber: index };
    out.reject(index, reason);
  };

  // Split the bytes as they come (a BOM is not part of the first object); each object is
  // parsed on its own, and the line limit stops a flood of tiny objects early.
  let count = 0;
  const splitter = new JsonObjectSplitter(Number.MAX_SAFE_INTEGER);
  const split = splitter.push(hasBom(body) ? body.subarray(3) : body, (raw) => {
    const i = count++;
    const parsed = tryParseJson(raw.toString('utf8'));
    if ('error' in parsed || !isObject(parsed.value)) {
      fail(6, i, `event ${i}: Invalid data format: ${'error' in parsed ? parsed.error : 'not an object'}`);
      return;
    }
    const doc = parsed.value;
    if (!Object.prototype.hasOwnProperty.call(doc, 'event')) {
      fail(12, i, `event ${i}: Event field is required`);
      return;
    }
    const event = doc.event;
    if (event === null || (typeof event === 'string' && isBlank(event))) {
      fail(13, i, `event ${i}: Event field cannot be blank`);
      return;
    }
    const fieldAliases = isObject(doc.fields) ? FIELD_ALIASES.resolve(doc.fields) : undefined;
    const fields = isObject(doc.fields) ? aliasedFields(doc.fields, fieldAliases!) : undefined;
    const source = stringOf(doc.source) ?? base.source;
    const sourcetype = stringOf(doc.sourcetype) ?? base.sourcetype;
    const index = stringOf(doc.index) ?? base.index;
    const extra: Fields = {};
    if (source !== undefined) extra.source = source;
    if (sourcetype !== undefined) extra.sourcetype = sourcetype;
    if (index !== undefined) extra.index = index;
    const time = doc.time;
    out.add({
      line: typeof event === 'string' ? event : jsonLineText(event),
      ts: typeof time === 'number' || typeof time === 'string' ? time : undefined,
      host: stringOf(doc.host) ?? base.host,
      app: fieldAliases?.app?.value ?? source ?? sourcetype,
      level: fieldAliases?.level?.value ?? (isObject(event) ? EVENT_LEVEL.resolve(event).level?.value : undefined),
      meta: fields,
      metaExtra: extra,
    });
  });

  const stop = split.error ?? (splitter.incomplete ? 'unterminated JSON object at the end of the body' : undefined);
  if (count === 0 && stop === undefined) throw new ProtocolError(400, 'No data: the body is empty', { hecCode: 5 });
  if (stop !== undefined) {
    if (out.count === 0) throw new ProtocolError(400, `Invalid data format: ${stop}`, { hecCode: 6, invalidEventNumber: 0 });
    fail(6, count, `event ${count}: Invalid data format: ${stop}`);
  }
  const result: HecResult = out.result();
  if (hecError !== undefined) result.hecError = hecError;
  return result;
}

/**
 * `POST /services/collector/raw`: the body is raw text, one event per line.
 * Context: `query.host|source|sourcetype|index`. app = `source`, else `sourcetype`.
 */
export function decodeHecRaw(body: Buffer, ctx: DecodeContext): HecResult {
  const text = bodyText(body);
  if (isBlank(text)) throw new ProtocolError(400, 'No data: the body is empty', { hecCode: 5 });
  const base = requestDefaults(ctx);
  const meta: Fields = {};
  if (base.source !== undefined) meta.source = base.source;
  if (base.sourcetype !== undefined) meta.sourcetype = base.sourcetype;
  if (base.index !== undefined) meta.index = base.index;
  const out = new ResultBuilder();
  forEachLine(text, (line) => {
    if (!isBlank(line)) out.add({ line, host: base.host, app: base.source ?? base.sourcetype, meta });
  });
  return out.result();
}

function hasBom(body: Buffer): boolean {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
