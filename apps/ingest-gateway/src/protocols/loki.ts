import { Root, type Type } from 'protobufjs';
import { aliasQuery, canonicalFields, withCanonicalFields, withoutHits } from '@millrace/field-aliases';
import { errorMessage, ProtocolError, tooManyLines, unsupportedMediaType } from './errors';
import { boundMeta, isObject, own, setField, type Fields } from './fields';
import { REQUEST_LIMITS } from './limits';
import { countNestedField } from './protowire';
import { ResultBuilder } from './result';
import { snappyUncompress, SnappyError } from './snappy';
import { bodyText, parseJsonBody } from './text';
import { mediaType, type DecodeContext, type DecodeResult } from './types';

const JSON_TYPES = ['application/json'];
const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];
const LABEL_ALIASES = aliasQuery({ labels: true, roles: ['app', 'host', 'level'] });
const METADATA_ALIASES = aliasQuery({ labels: true, roles: ['level'] });
const METADATA_CANONICAL = aliasQuery({ labels: true, roles: [] });
const DIGITS = /^\d{1,20}$/;

/** logproto.PushRequest (grafana/loki pkg/push/push.proto), the fields the gateway reads. */
export const LOKI_DESCRIPTOR = {
  nested: {
    logproto: {
      nested: {
        PushRequest: { fields: { streams: { rule: 'repeated', type: 'StreamAdapter', id: 1 } } },
        StreamAdapter: {
          fields: {
            labels: { type: 'string', id: 1 },
            entries: { rule: 'repeated', type: 'EntryAdapter', id: 2 },
            hash: { type: 'uint64', id: 3 },
          },
        },
        EntryAdapter: {
          fields: {
            timestamp: { type: 'Timestamp', id: 1 },
            line: { type: 'string', id: 2 },
            structuredMetadata: { rule: 'repeated', type: 'LabelPairAdapter', id: 3 },
          },
        },
        LabelPairAdapter: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        // google.protobuf.Timestamp, wire-identical; kept in this package to stay self-contained.
        Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
      },
    },
  },
};

export const LokiTypes: { PushRequest: Type } = {
  PushRequest: Root.fromJSON(LOKI_DESCRIPTOR).lookupType('logproto.PushRequest'),
};

/**
 * Loki push API, `POST /loki/api/v1/push`: `application/json`
 * `{"streams":[{"stream":{labels},"values":[["<ns>","line",{metadata}?]]}]}` or
 * `application/x-protobuf` (snappy block-compressed logproto.PushRequest).
 * Context: `contentType` (or `headers['content-type']`).
 *
 * Mapping, by the field-alias table in label mode: app = label `app`, `application`,
 * `service_name`…, else `job`; host = `host`, `hostname`…, else `instance`; level = `level`,
 * `severity` (python-logging-loki), `detected_level`…; Kubernetes labels (`namespace`, `pod`,
 * `container`) → `k8s.*`; the other labels → `meta.labels`; structured metadata →
 * `meta.structured_metadata` (its level when the labels have none, trace context as
 * `trace_id`/`span_id`); ts = the entry's time in epoch ms.
 */
export function decodeLokiPush(body: Buffer, ctx: DecodeContext): DecodeResult {
  const type = mediaType(ctx);
  if (type !== undefined && JSON_TYPES.includes(type)) return decodeLokiJson(body);
  if (type !== undefined && PROTOBUF_TYPES.includes(type)) return decodeLokiProtobuf(body);
  throw unsupportedMediaType(type, [...JSON_TYPES, ...PROTOBUF_TYPES]);
}

interface StreamInfo {
  app?: string;
  host?: string;
  level?: string;
  meta: Fields;
}

function streamInfo(labels: Record<string, string>, out: ResultBuilder): StreamInfo {
  const aliases = LABEL_ALIASES.resolve(labels);
  const info: StreamInfo = { app: aliases.app?.value, host: aliases.host?.value, level: aliases.level?.value, meta: {} };
  // Kubernetes labels (`namespace`, `pod`, `container`) under the canonical k8s.* names; the
  // labels used for app, host and level are not kept twice; the rest stay under `labels`.
  const rest = withoutHits(labels, [aliases.app, aliases.host, aliases.level]);
  const canonical = canonicalFields(aliases.canonical);
  const others = aliases.canonical !== undefined ? withCanonicalFields(rest, aliases.canonical) : rest;
  const meta: Fields = {};
  for (const key in others) {
    if (canonical !== undefined && Object.prototype.hasOwnProperty.call(canonical, key)) continue;
    (meta.labels ??= {} as Fields) as Fields;
    setField(meta.labels as Fields, key, others[key]);
  }
  if (canonical !== undefined) Object.assign(meta, canonical);
  // Bounded once per stream: the labels are copied onto each of its entries.
  for (const _ in meta) {
    info.meta = boundMeta(meta, out).meta ?? {};
    break;
  }
  return info;
}

export function decodeLokiJson(body: Buffer, _ctx: DecodeContext = {}): DecodeResult {
  const doc = parseJsonBody(bodyText(body));
  if (!isObject(doc) || !Array.isArray(doc.streams)) throw new ProtocolError(400, 'body: expected {"streams":[...]}');
  const out = new ResultBuilder();
  let index = 0;
  for (let s = 0; s < doc.streams.length; s++) {
    const stream: unknown = doc.streams[s];
    const values = isObject(stream) && Array.isArray(stream.values) ? stream.values : [];
    out.expect(values.length);
    let labels: { labels: Record<string, string> } | { error: string };
    if (!isObject(stream)) labels = { error: 'expected a stream object' };
    else if (isObject(stream.stream)) labels = { labels: stringLabels(stream.stream) };
    else if (typeof stream.labels === 'string') labels = parseLokiLabels(stream.labels);
    else labels = { error: 'missing "stream" labels' };
    if ('error' in labels) {
      const reason = `streams[${s}]: ${labels.error}`;
      if (values.length === 0) out.reject(index++, reason);
      for (let v = 0; v < values.length; v++) out.reject(index++, reason);
      continue;
    }
    const info = streamInfo(labels.labels, out);
    for (let v = 0; v < values.length; v++) {
      const i = index++;
      const entry: unknown = values[v];
      if (!Array.isArray(entry) || entry.length < 2 || typeof entry[1] !== 'string') {
        out.reject(i, `streams[${s}].values[${v}]: expected ["<unix epoch in nanoseconds>", "<log line>"]`);
        continue;
      }
      const ts = jsonNanosToMs(entry[0]);
      if (ts === undefined) {
        out.reject(i, `streams[${s}].values[${v}]: invalid timestamp, expected nanoseconds since the epoch as a string`);
        continue;
      }
      addEntry(out, info, entry[1], ts, isObject(entry[2]) ? stringLabels(entry[2]) : undefined);
    }
  }
  return out.result();
}

export function decodeLokiProtobuf(body: Buffer, _ctx: DecodeContext = {}): DecodeResult {
  let raw: Buffer;
  try {
    raw = snappyUncompress(body, REQUEST_LIMITS.maxInnerDecompressedBytes);
  } catch (err) {
    if (err instanceof SnappyError && err.tooLarge) throw new ProtocolError(413, `snappy body ${err.message}`);
    throw new ProtocolError(400, `invalid snappy body: ${errorMessage(err)}`);
  }
  // streams(1) → entries(2), counted before anything is allocated.
  const entries = countNestedField(raw, [1, 2], REQUEST_LIMITS.maxLinesPerRequest);
  if (entries > REQUEST_LIMITS.maxLinesPerRequest) throw tooManyLines(entries);
  let request: object;
  try {
    request = LokiTypes.PushRequest.decode(raw);
  } catch (err) {
    throw new ProtocolError(400, `invalid protobuf PushRequest: ${errorMessage(err)}`);
  }
  const out = new ResultBuilder();
  const streams = own(request, 'streams');
  const cache = new Map<string, { info: StreamInfo } | { error: string }>();
  let index = 0;
  for (const stream of Array.isArray(streams) ? streams : []) {
    const entries = own(stream, 'entries');
    const list: unknown[] = Array.isArray(entries) ? entries : [];
    out.expect(list.length);
    const labelText = own(stream, 'labels');
    const key = typeof labelText === 'string' ? labelText : '';
    let cached = cache.get(key);
    if (cached === undefined) {
      const labels = parseLokiLabels(key);
      cached = 'error' in labels ? labels : { info: streamInfo(labels.labels, out) };
      if (cache.size < 10_000) cache.set(key, cached);
    }
    if ('error' in cached) {
      for (let e = 0; e < Math.max(1, list.length); e++) out.reject(index++, `stream labels ${JSON.stringify(key.slice(0, 80))}: ${cached.error}`);
      continue;
    }
    const info = cached.info;
    for (const entry of list) {
      const i = index++;
      const line = isObject(entry) ? own(entry, 'line') : undefined;
      const ts = isObject(entry) ? timestampToMs(own(entry, 'timestamp')) : undefined;
      if (ts === undefined) {
        out.reject(i, `entry ${i}: missing or invalid timestamp`);
        continue;
      }
      let metadata: Record<string, string> | undefined;
      const pairs = isObject(entry) ? own(entry, 'structuredMetadata') : undefined;
      if (Array.isArray(pairs) && pairs.length > 0) {
        metadata = {};
        for (const pair of pairs) {
          const name = own(pair, 'name');
          if (typeof name === 'string') setField(metadata, name, String(own(pair, 'value') ?? ''));
        }
      }
      addEntry(out, info, typeof line === 'string' ? line : '', ts, metadata);
    }
  }
  return out.result();
}

function addEntry(out: ResultBuilder, info: StreamInfo, line: string, ts: number, metadata: Record<string, string> | undefined): void {
  const meta: Fields = { ...info.meta };
  let level = info.level;
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    // Structured metadata carries Loki 3's detected_level and OTLP's trace context.
    const aliases = (info.level === undefined ? METADATA_ALIASES : METADATA_CANONICAL).resolve(metadata);
    level ??= aliases.level?.value;
    const rest = withoutHits(metadata, [aliases.level]);
    const canonical = canonicalFields(aliases.canonical);
    const others = aliases.canonical !== undefined ? withCanonicalFields(rest, aliases.canonical) : rest;
    let kept: Fields | undefined;
    for (const key in others) {
      if (canonical !== undefined && Object.prototype.hasOwnProperty.call(canonical, key)) continue;
      setField((kept ??= {}), key, others[key]);
    }
    if (kept !== undefined) meta.structured_metadata = kept;
    if (canonical !== undefined) Object.assign(meta, canonical);
  }
  out.add({ line, ts, app: info.app, host: info.host, level, meta });
}

function stringLabels(obj: Fields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in obj) {
    const value = obj[key];
    if (typeof value === 'string') setField(out, key, value);
    else if (typeof value === 'number' || typeof value === 'boolean') setField(out, key, String(value));
  }
  return out;
}

function jsonNanosToMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value / 1e6) : undefined;
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  return value.length > 6 ? Number(value.slice(0, -6)) : 0;
}

function timestampToMs(ts: unknown): number | undefined {
  if (!isObject(ts)) return undefined;
  const seconds = own(ts, 'seconds');
  const nanos = own(ts, 'nanos');
  let s: number;
  if (seconds === undefined) s = 0;
  else if (typeof seconds === 'number') s = seconds;
  else if (typeof seconds === 'object' && seconds !== null && 'toNumber' in seconds) s = (seconds as { toNumber(): number }).toNumber();
  else return undefined;
  const ms = s * 1000 + Math.floor((typeof nanos === 'number' ? nanos : 0) / 1e6);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * A Prometheus/Loki label set: `{app="x", host="y"}`. Values are double-quoted with Go
 * escapes (`\"`, `\\`, `\n`, `\t`, `\r`; any other escaped character stands for itself).
 */
export function parseLokiLabels(text: string): { labels: Record<string, string> } | { error: string } {
  const labels: Record<string, string> = {};
  let pos = skipSpace(text, 0);
  if (text.charCodeAt(pos) !== 123 /* { */) return { error: 'labels: expected {' };
  pos = skipSpace(text, pos + 1);
  if (text.charCodeAt(pos) === 125 /* } */) return skipSpace(text, pos + 1) === text.length ? { labels } : { error: 'labels: text after }' };
  for (;;) {
    const nameStart = pos;
    while (pos < text.length && isLabelNameChar(text.charCodeAt(pos), pos === nameStart)) pos++;
    if (pos === nameStart) return { error: `labels: expected a label name at ${pos}` };
    const name = text.slice(nameStart, pos);
    pos = skipSpace(text, pos);
    if (text.charCodeAt(pos) !== 61 /* = */) return { error: `labels: expected = after ${name}` };
    pos = skipSpace(text, pos + 1);
    if (text.charCodeAt(pos) !== 34 /* " */) return { error: `labels: expected " to open the value of ${name}` };
    pos++;
    let value = '';
    let chunk = pos;
    for (;;) {
      if (pos >= text.length) return { error: `labels: unterminated value of ${name}` };
      const c = text.charCodeAt(pos);
      if (c === 34) break;
      if (c === 92 /* \ */ && pos + 1 < text.length) {
        value += text.slice(chunk, pos);
        const n = text[pos + 1];
        value += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
        pos += 2;
        chunk = pos;
        continue;
      }
      pos++;
    }
    value += text.slice(chunk, pos);
    setField(labels, name, value);
    pos = skipSpace(text, pos + 1);
    const sep = text.charCodeAt(pos);
    if (sep === 44 /* , */) {
      pos = skipSpace(text, pos + 1);
      if (text.charCodeAt(pos) === 125) return skipSpace(text, pos + 1) === text.length ? { labels } : { error: 'labels: text after }' };
      continue;
    }
    if (sep === 125) return skipSpace(text, pos + 1) === text.length ? { labels } : { error: 'labels: text after }' };
    return { error: `labels: expected , or } at ${pos}` };
  }
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9 || text.charCodeAt(pos) === 10 || text.charCodeAt(pos) === 13)) pos++;
  return pos;
}

/** [a-zA-Z_][a-zA-Z0-9_]* (dots and colons too, which some senders use). */
function isLabelNameChar(c: number, first: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 46 || c === 58 || (!first && c >= 48 && c <= 57);
}
