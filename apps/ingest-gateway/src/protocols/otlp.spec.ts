import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { ProtocolError } from './errors';
import { decodeOtlpLogs, otlpErrorResponse, otlpFormat, otlpSuccessResponse } from './otlp';
import { OtlpTypes } from './otlp-proto';
import type { DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const JSON_CTX = { contentType: 'application/json' };
const PROTO_CTX = { headers: { 'content-type': 'application/x-protobuf' } };

const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

/** A realistic request in OTLP/JSON (camelCase, int64 as strings, ids in hex). */
function jsonRequest(): Record<string, unknown> {
  return {
    resourceLogs: [{
      resource: {
        attributes: [
          kv('service.name', { stringValue: 'checkout' }),
          kv('host.name', { stringValue: 'node-7' }),
          kv('k8s.pod.name', { stringValue: 'checkout-5f7' }),
        ],
      },
      scopeLogs: [{
        scope: { name: 'io.opentelemetry.java', version: '1.32.0', attributes: [kv('lib', { stringValue: 'logback' })] },
        logRecords: [
          {
            timeUnixNano: '1705312800123456789',
            observedTimeUnixNano: '1705312800200000000',
            severityNumber: 17,
            severityText: 'ERROR',
            body: { stringValue: 'payment failed' },
            attributes: [
              kv('http.status_code', { intValue: '502' }),
              kv('retry', { boolValue: true }),
              kv('ratio', { doubleValue: 0.25 }),
              kv('big', { intValue: '9007199254740993' }),
              kv('tags', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } }),
              kv('ctx', { kvlistValue: { values: [kv('user', { stringValue: 'u1' })] } }),
              kv('raw', { bytesValue: 'AQID' }),
            ],
            traceId: '5b8efff798038103d269b633813fc60c',
            spanId: 'eee19b7ec3c1b174',
            flags: 1,
          },
          {
            observedTimeUnixNano: '1705312801000000000',
            severityText: 'Warning',
            body: { kvlistValue: { values: [kv('event', { stringValue: 'cart' }), kv('n', { intValue: 3 })] } },
          },
          { severityNumber: 'SEVERITY_NUMBER_DEBUG2', eventName: 'session.start' },
        ],
      }],
    }],
  };
}

const EXPECTED_FIRST: RawLine = {
  line: 'payment failed',
  ts: 1705312800123,
  app: 'checkout',
  host: 'node-7',
  level: 'error',
  meta: {
    trace_id: '5b8efff798038103d269b633813fc60c',
    span_id: 'eee19b7ec3c1b174',
    trace_flags: 1,
    'http.status_code': 502,
    retry: true,
    ratio: 0.25,
    big: '9007199254740993',
    tags: ['a', 2],
    ctx: { user: 'u1' },
    raw: 'AQID',
    'resource.service.name': 'checkout',
    'resource.host.name': 'node-7',
    'resource.k8s.pod.name': 'checkout-5f7',
    // Kubernetes resource attributes also land under the k8s.* names every shipper's use.
    'k8s.pod.name': 'checkout-5f7',
    'scope.name': 'io.opentelemetry.java',
    'scope.version': '1.32.0',
    'scope.lib': 'logback',
  },
};

describe('OTLP/HTTP logs (POST /v1/logs)', () => {
  it('maps an OTLP/JSON request', () => {
    const result = decodeOtlpLogs(Buffer.from(JSON.stringify(jsonRequest())), JSON_CTX);
    const [first, second, third] = wellFormed(result);
    expect(first).toEqual(EXPECTED_FIRST);
    expect(second).toMatchObject({ line: '{"event":"cart","n":3}', ts: 1705312801000, level: 'warn', app: 'checkout' });
    expect(third).toMatchObject({ line: 'session.start', level: 'debug', meta: { 'event.name': 'session.start' } });
    expect(third.ts).toBeUndefined();
  });

  it('maps the same request in protobuf identically', () => {
    const message = OtlpTypes.ExportLogsServiceRequest.fromObject(toProtoObject(jsonRequest()));
    const body = Buffer.from(OtlpTypes.ExportLogsServiceRequest.encode(message).finish());
    const fromProto = decodeOtlpLogs(body, PROTO_CTX);
    const fromJson = decodeOtlpLogs(Buffer.from(JSON.stringify(jsonRequest())), JSON_CTX);
    expect(wellFormed(fromProto)).toEqual(fromJson.lines);
  });

  it('accepts snake_case field names', () => {
    const body = { resource_logs: [{ resource: { attributes: [kv('service.name', { string_value: 's' })] }, scope_logs: [{ log_records: [{ time_unix_nano: '1705312800000000000', severity_number: 9, body: { string_value: 'x' } }] }] }] };
    expect(decodeOtlpLogs(Buffer.from(JSON.stringify(body)), JSON_CTX).lines).toEqual([{ line: 'x', ts: 1705312800000, app: 's', level: 'info', meta: { 'resource.service.name': 's' } }]);
  });

  it('maps every severity number range', () => {
    const records = Array.from({ length: 24 }, (_, i) => ({ severityNumber: i + 1, body: { stringValue: String(i + 1) } }));
    const result = decodeOtlpLogs(Buffer.from(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] })), JSON_CTX);
    expect(result.lines.map((l) => l.level)).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].flatMap((l) => [l, l, l, l]));
  });

  it('rejects records that are not objects and reports them in partialSuccess', () => {
    const body = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'ok' } }, 'bad', 7] }] }] };
    const result = decodeOtlpLogs(Buffer.from(JSON.stringify(body)), JSON_CTX);
    expect(result.lines).toHaveLength(1);
    expect(result.rejected).toEqual([{ index: 1, reason: 'logRecords[1]: expected a LogRecord object' }, { index: 2, reason: 'logRecords[2]: expected a LogRecord object' }]);
    const json = JSON.parse(otlpSuccessResponse(result, 'json').body.toString());
    expect(json).toEqual({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'logRecords[1]: expected a LogRecord object; logRecords[2]: expected a LogRecord object' } });
    const proto = OtlpTypes.ExportLogsServiceResponse.decode(otlpSuccessResponse(result, 'protobuf').body);
    expect(OtlpTypes.ExportLogsServiceResponse.toObject(proto, { longs: Number })).toEqual({ partialSuccess: { rejectedLogRecords: 2, errorMessage: json.partialSuccess.errorMessage } });
  });

  it('answers an empty success body when nothing was rejected', () => {
    expect(otlpSuccessResponse({ rejected: [] }, 'json')).toEqual({ contentType: 'application/json', body: Buffer.from('{}') });
    expect(otlpSuccessResponse({ rejected: [] }, 'protobuf')).toEqual({ contentType: 'application/x-protobuf', body: Buffer.alloc(0) });
    expect(otlpFormat(PROTO_CTX)).toBe('protobuf');
    expect(otlpFormat(JSON_CTX)).toBe('json');
  });

  it('answers errors as google.rpc.Status', () => {
    const err = new ProtocolError(400, 'invalid protobuf ExportLogsServiceRequest: index out of range');
    expect(JSON.parse(otlpErrorResponse(err, 'json').body.toString())).toEqual({ code: 3, message: err.message });
    const status = OtlpTypes.Status.decode(otlpErrorResponse(new ProtocolError(413, 'too many lines: 50001 > 50000'), 'protobuf').body);
    expect(OtlpTypes.Status.toObject(status)).toEqual({ code: 8, message: 'too many lines: 50001 > 50000' });
  });

  it('answers 400 for a malformed body and 415 for other content types', () => {
    expect(() => decodeOtlpLogs(Buffer.from('{"resourceLogs": ['), JSON_CTX)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^body: invalid JSON/) }));
    expect(() => decodeOtlpLogs(Buffer.from('[]'), JSON_CTX)).toThrow(expect.objectContaining({ status: 400, message: 'body: expected an ExportLogsServiceRequest object' }));
    expect(() => decodeOtlpLogs(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), PROTO_CTX)).toThrow(
      expect.objectContaining({ name: 'ProtocolError', status: 400, message: expect.stringMatching(/^invalid protobuf ExportLogsServiceRequest: /) }),
    );
    expect(() => decodeOtlpLogs(Buffer.from('{}'), { contentType: 'text/plain' })).toThrow(expect.objectContaining({ status: 415 }));
  });

  it('decodes gzip bodies (what exporters send with compression: gzip)', () => {
    const body = zlib.gzipSync(JSON.stringify(jsonRequest()));
    expect(decodeOtlpLogs(decompressBody(body, 'gzip', 1e7), JSON_CTX).lines).toHaveLength(3);
  });

  it('bounds deep bodies and attributes, truncates long lines, answers 413 past 50,000 records', () => {
    let deep: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 200; i++) deep = { kvlistValue: { values: [kv('d', deep)] } };
    const big = { resourceLogs: [{ scopeLogs: [{ logRecords: [
      { body: { stringValue: 'x'.repeat(LIMITS.maxLineBytes * 2) }, attributes: [kv('deep', deep)] },
      { body: deep },
    ] }] }] };
    const result = decodeOtlpLogs(Buffer.from(JSON.stringify(big)), JSON_CTX);
    wellFormed(result);
    expect(result.truncated).toBe(1);
    expect(result.valuesCut).toBeGreaterThanOrEqual(1);
    let cut: unknown = result.lines[0].meta!.deep;
    for (let i = 2; i < LIMITS.maxDepth; i++) cut = (cut as Record<string, unknown>).d;
    expect(typeof (cut as Record<string, unknown>).d).toBe('string');
    expect((cut as Record<string, string>).d).toMatch(/^\{"d":\{"d":/);
    const many = { resourceLogs: [{ scopeLogs: [{ logRecords: new Array(50_001).fill({}) }] }] };
    expect(() => decodeOtlpLogs(Buffer.from(JSON.stringify(many)), JSON_CTX)).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
  });

  it('answers 413 for 50,001 protobuf records before decoding them', () => {
    // An empty LogRecord is 2 bytes on the wire: refused from a count of the wire format.
    const body = Buffer.from(OtlpTypes.ExportLogsServiceRequest.encode(OtlpTypes.ExportLogsServiceRequest.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: new Array(50_001).fill({}) }] }] })).finish());
    expect(() => decodeOtlpLogs(body, PROTO_CTX)).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
  });

  it('copes with nesting beyond the protobuf recursion limit', () => {
    // AnyValue{kvlist{KeyValue{value: AnyValue{...}}}} nested far deeper than protobufjs allows.
    let inner = Buffer.from([0x0a, 0x01, 0x78]); // AnyValue{string_value:"x"}
    for (let i = 0; i < 150; i++) {
      const kvMsg = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b]), lenField(2, inner)]);
      const kvList = lenField(1, kvMsg);
      inner = lenField(6, kvList);
    }
    const record = lenField(5, inner);
    const body = lenField(1, lenField(2, lenField(2, record)));
    expect(() => decodeOtlpLogs(body, PROTO_CTX)).toThrow(ProtocolError);
  });
});

function lenField(field: number, payload: Buffer): Buffer {
  const header: number[] = [(field << 3) | 2];
  let n = payload.length;
  while (n >= 0x80) {
    header.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  header.push(n);
  return Buffer.concat([Buffer.from(header), payload]);
}

/** OTLP/JSON → protobufjs fromObject input: hex ids to bytes. */
function toProtoObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toProtoObject);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'traceId' || key === 'spanId') out[key] = Buffer.from(v as string, 'hex');
    else if (key === 'bytesValue') out[key] = Buffer.from(v as string, 'base64');
    else if (key === 'severityNumber' && typeof v === 'string') out[key] = 6;
    else out[key] = toProtoObject(v);
  }
  return out;
}

describe('cross-check with @opentelemetry/otlp-transformer', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transformer = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  const resource = { attributes: { 'service.name': 'cart', 'host.name': 'web-9', 'deployment.environment': 'prod' } };
  const scope = { name: 'my-lib', version: '2.0.0' };
  const records = [
    {
      hrTime: [1705312800, 123456789], hrTimeObserved: [1705312800, 200000000],
      spanContext: { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 },
      severityText: 'WARN', severityNumber: 13, body: 'low stock',
      attributes: { sku: 'A-1', qty: 3, price: 9.5, ok: false, list: ['x', 1], nested: { a: { b: 'c' } } },
      droppedAttributesCount: 0, resource, instrumentationScope: scope,
    },
    {
      hrTime: [0, 0], hrTimeObserved: [1705312801, 0], severityNumber: 21, body: { structured: true, n: 2 },
      attributes: {}, droppedAttributesCount: 0, resource, instrumentationScope: scope, eventName: 'stock.alert',
    },
  ];

  const expected: RawLine[] = [
    {
      line: 'low stock', ts: 1705312800123, app: 'cart', host: 'web-9', level: 'warn',
      meta: {
        trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7ec3c1b174', trace_flags: 1,
        sku: 'A-1', qty: 3, price: 9.5, ok: false, list: ['x', 1], nested: { a: { b: 'c' } },
        'resource.service.name': 'cart', 'resource.host.name': 'web-9', 'resource.deployment.environment': 'prod',
        'scope.name': 'my-lib', 'scope.version': '2.0.0',
      },
    },
    {
      line: '{"structured":true,"n":2}', ts: 1705312801000, app: 'cart', host: 'web-9', level: 'fatal',
      meta: {
        'event.name': 'stock.alert',
        'resource.service.name': 'cart', 'resource.host.name': 'web-9', 'resource.deployment.environment': 'prod',
        'scope.name': 'my-lib', 'scope.version': '2.0.0',
      },
    },
  ];

  it('reads what ProtobufLogsSerializer writes', () => {
    const body = Buffer.from(transformer.ProtobufLogsSerializer.serializeRequest(records as never)!);
    expect(wellFormed(decodeOtlpLogs(body, PROTO_CTX))).toEqual(expected);
  });

  it('reads what JsonLogsSerializer writes', () => {
    const body = Buffer.from(transformer.JsonLogsSerializer.serializeRequest(records as never)!);
    expect(wellFormed(decodeOtlpLogs(body, JSON_CTX))).toEqual(expected);
  });

  it('writes a partialSuccess response that ProtobufLogsSerializer reads', () => {
    const response = otlpSuccessResponse({ rejected: [{ index: 3, reason: 'bad record' }] }, 'protobuf');
    const parsed = transformer.ProtobufLogsSerializer.deserializeResponse(response.body) as { partialSuccess?: { rejectedLogRecords?: unknown; errorMessage?: string } };
    expect(Number(parsed.partialSuccess?.rejectedLogRecords)).toBe(1);
    expect(parsed.partialSuccess?.errorMessage).toBe('bad record');
    const json = transformer.JsonLogsSerializer.deserializeResponse(otlpSuccessResponse({ rejected: [{ index: 0, reason: 'x' }] }, 'json').body) as { partialSuccess?: { rejectedLogRecords?: unknown } };
    expect(Number(json.partialSuccess?.rejectedLogRecords)).toBe(1);
  });
});
