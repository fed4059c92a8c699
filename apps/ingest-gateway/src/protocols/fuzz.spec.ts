/**
 * Property tests for every framing and body parser: random, truncated and mutated input never
 * throws anything but ProtocolError, finishes quickly, and every returned RawLine is
 * well-formed (schema, line size, meta within the field and depth limits, JSON-safe).
 */
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { compress } from 'snappyjs';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { ProtocolError } from './errors';
import { decodeEsBulk } from './es-bulk';
import { decodeGelfHttp, decodeGelfMessage } from './gelf';
import { decodeLogplex } from './logplex';
import { decodeLogscaleStructured, decodeLogscaleUnstructured } from './logscale';
import { decodeLokiPush, LokiTypes, parseLokiLabels } from './loki';
import { decodeMezmoIngest } from './mezmo';
import { decodeNdjson, decodePlainText } from './ndjson';
import { decodeOtlpLogs } from './otlp';
import { OtlpTypes } from './otlp-proto';
import { decodeHecEvent, decodeHecRaw, JsonObjectSplitter } from './splunk-hec';
import { SyslogFramer } from '@millrace/syslog';
import { parseSyslog } from './syslog';
import type { DecodeContext, DecodeResult } from './types';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SLOW_MS = 1000;

function jsonSafe(value: unknown, depth: number, counter: { keys: number }): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`non-finite number in meta: ${value}`);
    return;
  }
  if (depth > LIMITS.maxDepth) throw new Error(`meta deeper than ${LIMITS.maxDepth}`);
  if (Array.isArray(value)) {
    if (value.length > LIMITS.maxFields) throw new Error('meta array too long');
    for (const item of value) jsonSafe(item, depth + 1, counter);
    return;
  }
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) throw new Error(`not JSON in meta: ${typeof value}`);
  for (const [key, item] of Object.entries(value)) {
    if (++counter.keys > LIMITS.maxFields) throw new Error(`more than ${LIMITS.maxFields} meta fields`);
    if (key.length > LIMITS.maxKeyLength) throw new Error('meta key too long');
    if (typeof item === 'string' && Buffer.byteLength(item) > LIMITS.maxValueLength) throw new Error('meta value too long');
    jsonSafe(item, depth + 1, counter);
  }
}

function checkLine(line: RawLine): void {
  const parsed = rawLineSchema.safeParse(line);
  if (!parsed.success) throw new Error(`malformed RawLine: ${parsed.error.issues[0].message} ${JSON.stringify(line).slice(0, 200)}`);
  if (Buffer.byteLength(line.line) > LIMITS.maxLineBytes) throw new Error('line over maxLineBytes');
  if (line.meta !== undefined) jsonSafe(line.meta, 1, { keys: 0 });
}

function checkResult(result: DecodeResult): void {
  for (const line of result.lines) checkLine(line);
  for (const r of result.rejected) {
    if (!Number.isInteger(r.index) || r.index < 0 || typeof r.reason !== 'string') throw new Error('malformed rejection');
  }
  for (const n of [result.truncated, result.fieldsDropped, result.valuesCut]) if (!Number.isInteger(n) || n < 0) throw new Error('bad counter');
}

/** Runs a decoder: ProtocolError (with a known status and a message) is fine, anything else fails. */
function run(decode: (body: Buffer) => DecodeResult, body: Buffer): void {
  const started = performance.now();
  try {
    checkResult(decode(body));
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    if (![400, 413, 415].includes(err.status) || err.message === '' || err.name !== 'ProtocolError') throw new Error(`bad ProtocolError ${err.status} ${err.message}`);
  }
  const ms = performance.now() - started;
  if (ms > SLOW_MS) throw new Error(`decoding ${body.length} bytes took ${Math.round(ms)} ms`);
}

/** Valid bodies, then damaged: cut, bytes flipped, bytes inserted, slices repeated. */
function damaged(valid: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('flip', 'insert', 'delete', 'cut', 'dup')), { maxLength: 6 })).map(([body, edits]) => {
    let out = Buffer.from(body);
    for (const [pos, byte, kind] of edits) {
      const p = out.length === 0 ? 0 : pos % out.length;
      if (kind === 'flip' && out.length > 0) out[p] = byte;
      else if (kind === 'insert') out = Buffer.concat([out.subarray(0, p), Buffer.from([byte]), out.subarray(p)]);
      else if (kind === 'delete') out = Buffer.concat([out.subarray(0, p), out.subarray(p + 1)]);
      else if (kind === 'cut') out = out.subarray(0, p);
      else if (kind === 'dup') out = Buffer.concat([out, out.subarray(p)]);
    }
    return out;
  });
}

const randomBytes = fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a));
const jsonishText = fc.stringOf(fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', 'a', '1', ' ', '\n', '\r', '\0', 'é', '\ud800', 'e', '-', '.', 'true', 'null', '<', '>', '=', '@'), { maxLength: 300 }).map((s) => Buffer.from(s));
const anyJson = fc.anything({ maxDepth: 6, withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false, withNullPrototype: false, withBoxedValues: false, withSparseArray: false }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
/** Very deep JSON: hostile nesting. */
const deepJson = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":')).map(([n, open]) => Buffer.from(open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n)));

function fuzz(name: string, decode: (body: Buffer) => DecodeResult, valid: Buffer[], structured?: fc.Arbitrary<Buffer>): void {
  describe(name, () => {
    it('decodes its valid examples', () => {
      for (const body of valid) checkResult(decode(body));
    });
    it('survives random bytes and JSON-ish text', () => {
      fc.assert(fc.property(fc.oneof(randomBytes, jsonishText, anyJson), (body) => run(decode, body)), { numRuns: RUNS });
    });
    it('survives truncated and mutated valid bodies', () => {
      fc.assert(fc.property(damaged(valid), (body) => run(decode, body)), { numRuns: RUNS * 2 });
    });
    if (structured) {
      it('survives well-formed envelopes with random contents', () => {
        fc.assert(fc.property(structured, (body) => run(decode, body)), { numRuns: RUNS });
      });
    }
    it('survives very deep nesting', () => {
      fc.assert(fc.property(deepJson, (body) => run(decode, body)), { numRuns: 10 });
    });
  });
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const value = fc.anything({ maxDepth: 4, withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false, withBoxedValues: false, withSparseArray: false, withNullPrototype: false });
const keyName = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'line', 'message', 'app', 'host', 'level', 'timestamp', 'ts', '@timestamp', 'host.name', 'service.name', 'error', '_id', '_app', 'short_message'));
const record = fc.dictionary(keyName, value, { maxKeys: 8 });
const ctx: DecodeContext = { query: { hostname: 'h', tags: 'a,b', app: 'x', host: 'y', now: '1700000000000' }, receivedAt: 1700000000000 };

describe('fuzz', () => {
  fuzz('Mezmo ingest', (b) => decodeMezmoIngest(b, ctx), [
    json({ lines: [{ line: 'a', app: 'x', level: 'info', timestamp: 1700000000000, meta: { a: { b: 1 } }, file: 'f', env: 'e' }, { line: 'b', meta: '{"k":1}' }] }),
  ], fc.array(fc.oneof(record, fc.record({ line: fc.string(), app: value, level: value, timestamp: value, meta: value })), { maxLength: 10 }).map((lines) => json({ lines })));

  fuzz('NDJSON', (b) => decodeNdjson(b, ctx), [
    Buffer.from('{"app":"a","host":"h","level":"warn","ts":1,"m":[1,2]}\n{"x":"y"}\r\n\n"s"\n'),
    Buffer.from('[{"a":1},"b"]'),
  ], fc.array(record, { maxLength: 10 }).map((docs) => Buffer.from(docs.map((d) => JSON.stringify(d)).join('\n'))));

  fuzz('plain text', (b) => decodePlainText(b, ctx), [Buffer.from('one\r\ntwo\n\nthree')]);

  const LOGPLEX = '<190>1 2024-06-15T12:00:00+00:00 host app web.1 - Started GET "/"\n';
  fuzz('Logplex', (b) => decodeLogplex(b, { headers: { 'logplex-msg-count': '2', 'logplex-drain-token': 'd.x' } }), [
    Buffer.from(`${Buffer.byteLength(LOGPLEX)} ${LOGPLEX}`.repeat(2)),
  ], fc.array(fc.string({ maxLength: 80 }), { maxLength: 8 }).map((msgs) => Buffer.from(msgs.map((m) => `${Buffer.byteLength(`<13>1 - h a p - ${m}`)} <13>1 - h a p - ${m}`).join(''))));

  fuzz('Elasticsearch _bulk', (b) => decodeEsBulk(b, { params: { index: 'idx-2024.01.01' } }), [
    Buffer.from('{"index":{"_index":"a-2024.01.01","_id":"1"}}\n{"message":"m","@timestamp":"2024-01-01T00:00:00Z","host":{"name":"h"},"log":{"level":"info"},"tags":["t"]}\n{"delete":{"_id":"2"}}\n{"update":{"_id":"3"}}\n{"doc":{}}\n{"create":{}}\n{"log":"l"}\n'),
  ], fc.array(fc.tuple(fc.constantFrom('index', 'create', 'update', 'delete', 'other'), record, record), { maxLength: 8 }).map((items) => Buffer.from(items.map(([a, m, d]) => `${JSON.stringify({ [a]: m })}\n${JSON.stringify(d)}\n`).join(''))));

  const otlpJson = {
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }, { key: 'host.name', value: { stringValue: 'h' } }] },
      scopeLogs: [{
        scope: { name: 'n', version: '1' },
        logRecords: [
          { timeUnixNano: '1705312800123456789', severityNumber: 9, severityText: 'INFO', body: { stringValue: 'x' }, attributes: [{ key: 'k', value: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, { doubleValue: 1.5 }, { boolValue: true }, { bytesValue: 'AQ==' }] } } }] } } }], traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', flags: 1 },
          { observedTimeUnixNano: '1705312800000000000', body: { kvlistValue: { values: [{ key: 'e', value: { stringValue: 'v' } }] } } },
        ],
      }],
    }],
  };
  const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' },
      fc.record({ stringValue: fc.string() }), fc.record({ intValue: fc.oneof(fc.string(), fc.integer()) }), fc.record({ doubleValue: fc.oneof(fc.double(), fc.string()) }),
      fc.record({ boolValue: value }), fc.record({ bytesValue: fc.string() }),
      fc.record({ arrayValue: fc.record({ values: fc.array(tie('any'), { maxLength: 3 }) }) }),
      fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key: keyName, value: tie('any') }), { maxLength: 3 }) }) }),
      value),
  })).any;
  const otlpRecord = fc.record({
    timeUnixNano: fc.oneof(fc.string(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String), fc.integer()),
    observedTimeUnixNano: value, severityNumber: fc.oneof(fc.integer({ min: -5, max: 30 }), fc.string()), severityText: value,
    body: anyValue, attributes: fc.array(fc.record({ key: keyName, value: anyValue }), { maxLength: 4 }), traceId: fc.oneof(fc.hexaString(), fc.string()), spanId: value, eventName: value,
  }, { requiredKeys: [] });
  fuzz('OTLP/JSON', (b) => decodeOtlpLogs(b, { contentType: 'application/json' }), [json(otlpJson)],
    fc.array(otlpRecord, { maxLength: 5 }).map((logRecords) => json({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }] }, scopeLogs: [{ scope: { name: 'x' }, logRecords }] }] })));

  const otlpProto = (v: unknown) => {
    const toProto = (x: unknown): unknown => {
      if (Array.isArray(x)) return x.map(toProto);
      if (typeof x !== 'object' || x === null) return x;
      return Object.fromEntries(Object.entries(x).map(([k, v2]) => [k, k === 'traceId' || k === 'spanId' ? Buffer.from(v2 as string, 'hex') : k === 'bytesValue' ? Buffer.from(v2 as string, 'base64') : toProto(v2)]));
    };
    return Buffer.from(OtlpTypes.ExportLogsServiceRequest.encode(OtlpTypes.ExportLogsServiceRequest.fromObject(toProto(v) as Record<string, unknown>)).finish());
  };
  fuzz('OTLP/protobuf', (b) => decodeOtlpLogs(b, { contentType: 'application/x-protobuf' }), [otlpProto(otlpJson)]);

  const lokiJson = { streams: [{ stream: { app: 'a', host: 'h', level: 'info', env: 'e' }, values: [['1705312800000000000', 'l', { k: 'v' }], ['1705312800000000001', 'm']] }] };
  fuzz('Loki JSON', (b) => decodeLokiPush(b, { contentType: 'application/json' }), [json(lokiJson)],
    fc.array(fc.record({ stream: fc.oneof(record, value), values: fc.array(fc.oneof(fc.tuple(fc.oneof(fc.string(), fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String)), fc.string(), fc.oneof(record, value)), value), { maxLength: 4 }) }), { maxLength: 4 }).map((streams) => json({ streams })));

  const lokiProto = (v: Record<string, unknown>) => compress(Buffer.from(LokiTypes.PushRequest.encode(LokiTypes.PushRequest.fromObject(v)).finish()));
  const lokiProtoValid = { streams: [{ labels: '{app="a", host="h", x="y\\"z"}', entries: [{ timestamp: { seconds: 1705312800, nanos: 5 }, line: 'l', structuredMetadata: [{ name: 'k', value: 'v' }] }] }] };
  const rawPush = Buffer.from(LokiTypes.PushRequest.encode(LokiTypes.PushRequest.fromObject(lokiProtoValid)).finish());
  fuzz('Loki protobuf (snappy)', (b) => decodeLokiPush(b, { contentType: 'application/x-protobuf' }), [lokiProto(lokiProtoValid)],
    // Damage the protobuf before compressing, so the damage reaches the protobuf decoder.
    damaged([rawPush]).map((p) => compress(p)));

  fuzz('Splunk HEC event', (b) => decodeHecEvent(b, { query: { host: 'h' } }), [
    Buffer.from('{"time":1705312800.5,"host":"h","source":"s","sourcetype":"st","index":"i","event":"e","fields":{"a":"b"}}{"event":{"x":1}}\n{"event":"z"}'),
  ], fc.array(fc.oneof(record, fc.record({ event: value, time: value, host: value, source: value, fields: value })), { maxLength: 8 }).map((events) => Buffer.from(events.map((e) => JSON.stringify(e)).join(''))));

  fuzz('Splunk HEC raw', (b) => decodeHecRaw(b, { query: { host: 'h', source: 's' } }), [Buffer.from('a\nb\r\n')]);

  fuzz('GELF HTTP', (b) => decodeGelfHttp(b, {}), [
    json({ version: '1.1', host: 'h', short_message: 's', full_message: 'f', timestamp: 1.5, level: 3, _a: 1, _container_name: 'c' }),
    zlib.gzipSync(JSON.stringify({ short_message: 'z' })),
  ], fc.array(fc.oneof(record, fc.record({ short_message: value, host: value, timestamp: value, level: value, _app: value })), { maxLength: 5 }).map((docs) => Buffer.from(docs.map((d) => JSON.stringify(d)).join('\0'))));

  fuzz('GELF datagram', (b) => decodeGelfMessage(b), [json({ short_message: 's', host: 'h' }), zlib.deflateSync(JSON.stringify({ short_message: 's' }))]);

  fuzz('LogScale structured', (b) => decodeLogscaleStructured(b, {}), [
    json([{ tags: { host: 'h', app: 'a' }, events: [{ timestamp: '2024-01-01T00:00:00Z', attributes: { level: 'info', n: 1 }, rawstring: 'r' }, { timestamp: 1, attributes: { x: 1 } }] }]),
  ], fc.array(fc.record({ tags: fc.oneof(record, value), events: fc.array(fc.oneof(record, fc.record({ timestamp: value, attributes: fc.oneof(record, value), rawstring: value })), { maxLength: 4 }) }), { maxLength: 3 }).map(json));

  fuzz('LogScale unstructured', (b) => decodeLogscaleUnstructured(b, {}), [
    json([{ fields: { host: 'h' }, type: 'p', messages: ['a', 'b'] }]),
  ], fc.array(fc.record({ fields: fc.oneof(record, value), messages: fc.array(value, { maxLength: 4 }), type: value }), { maxLength: 3 }).map(json));

  fuzz('decompressBody + NDJSON', (b) => decodeNdjson(decompressBody(b, 'gzip', 1e6), {}), [zlib.gzipSync('{"a":1}\n{"b":2}\n')]);

  describe('syslog', () => {
    const frames = [
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"][millrace@53595 key="k"] \uFEFFmsg',
      '<34>Oct 11 22:14:15 mymachine su[1]: failed',
      '<13>2024-01-01T00:00:00Z host tag: msg',
      'plain text',
      `mlr_ik_${'k'.repeat(43)} <13>1 - h a - - - first word`,
    ].map((f) => Buffer.from(f));
    const syslogText = fc.stringOf(fc.constantFrom('<', '>', '1', '3', ' ', '-', '[', ']', '"', '=', '\\', 'a', '@', ':', 'T', 'Z', 'Jan', 'Oct', '2024-01-01T00:00:00Z', '\n', '\0', '\r', '\uFEFF', 'é'), { maxLength: 120 });

    it('parseSyslog never throws, returns well-formed lines and never keeps the key', () => {
      const now = new Date('2024-06-15T00:00:00Z');
      fc.assert(fc.property(fc.oneof(syslogText.map((s) => Buffer.from(s)), randomBytes, damaged(frames)), (frame) => {
        const parsed = parseSyslog(frame, now);
        checkLine(parsed.line);
        if (parsed.malformed !== undefined) expect(typeof parsed.malformed).toBe('string');
        if (parsed.key !== undefined) expect(JSON.stringify(parsed.line)).not.toContain(`key="${parsed.key}"`);
      }), { numRuns: RUNS * 5 });
    });

    it('SyslogFramer never throws, never buffers more than a frame, on any chunking', () => {
      fc.assert(fc.property(fc.array(fc.oneof(randomBytes, syslogText.map((s) => Buffer.from(s)), damaged(frames.map((f) => Buffer.from(`${f.length} ${f}`)))), { maxLength: 10 }), (chunks) => {
        const framer = new SyslogFramer(256);
        for (const chunk of chunks) {
          for (const event of framer.push(chunk)) {
            if ('frame' in event) expect(event.frame.length).toBeLessThanOrEqual(256);
            else expect(typeof event.error).toBe('string');
          }
          expect(framer.buffered).toBeLessThanOrEqual(256 + 12);
        }
        framer.end();
      }), { numRuns: RUNS * 2 });
    });
  });

  describe('other framings', () => {
    it('JsonObjectSplitter never throws and keeps its bound', () => {
      fc.assert(fc.property(fc.array(fc.oneof(randomBytes, jsonishText), { maxLength: 6 }), (chunks) => {
        const splitter = new JsonObjectSplitter(200);
        for (const chunk of chunks) {
          const out = splitter.push(chunk, (o) => {
            expect(o[0]).toBe(0x7b);
            expect(o[o.length - 1]).toBe(0x7d);
          });
          if (out.error) break;
        }
      }), { numRuns: RUNS * 2 });
    });

    it('parseLokiLabels never throws', () => {
      fc.assert(fc.property(fc.oneof(fc.string(), fc.stringOf(fc.constantFrom('{', '}', '"', '=', ',', '\\', ' ', 'a', '1', '_', '.'), { maxLength: 60 })), (text) => {
        const parsed = parseLokiLabels(text);
        if ('labels' in parsed) for (const v of Object.values(parsed.labels)) expect(typeof v).toBe('string');
        else expect(typeof parsed.error).toBe('string');
      }), { numRuns: RUNS * 5 });
    });

    it('decompressBody only throws ProtocolError', () => {
      fc.assert(fc.property(fc.oneof(randomBytes, damaged([zlib.gzipSync('hello'), zlib.deflateSync('hello'), zlib.brotliCompressSync('hello')])), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-gzip', 'gzip, br'), (body, encoding) => {
        try {
          expect(decompressBody(body, encoding, 1000).length).toBeLessThanOrEqual(1000);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }), { numRuns: RUNS * 2 });
    });
  });
});
