import * as zlib from 'node:zlib';
import { compress } from 'snappyjs';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { decodeLokiPush, LokiTypes, parseLokiLabels } from './loki';
import type { DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const JSON_CTX = { contentType: 'application/json' };
const PROTO_CTX = { contentType: 'application/x-protobuf' };

function protoBody(request: Record<string, unknown>): Buffer {
  const type = LokiTypes.PushRequest;
  return compress(Buffer.from(type.encode(type.fromObject(request)).finish()));
}

describe('Loki push API (POST /loki/api/v1/push)', () => {
  it('maps a JSON push (labels, nanosecond timestamps, structured metadata)', () => {
    const body = {
      streams: [
        {
          stream: { app: 'web', host: 'node-1', level: 'error', env: 'prod', job: 'varlogs' },
          values: [
            ['1705312800123456789', 'GET /api 500'],
            ['1705312801000000000', 'with metadata', { trace_id: '0af7651916cd43dd8448eb211c80319c', user: 'u1' }],
          ],
        },
        { stream: { service_name: 'billing', instance: '10.0.0.2:9100', detected_level: 'warn' }, values: [['1705312802000000000', 'slow']] },
        { stream: { job: 'promtail/syslog', hostname: 'h3' }, values: [['1705312803000000000', 'from job']] },
      ],
    };
    const result = decodeLokiPush(Buffer.from(JSON.stringify(body)), JSON_CTX);
    expect(wellFormed(result)).toEqual([
      { line: 'GET /api 500', ts: 1705312800123, app: 'web', host: 'node-1', level: 'error', meta: { labels: { env: 'prod', job: 'varlogs' } } },
      { line: 'with metadata', ts: 1705312801000, app: 'web', host: 'node-1', level: 'error', meta: { labels: { env: 'prod', job: 'varlogs' }, structured_metadata: { user: 'u1' }, trace_id: '0af7651916cd43dd8448eb211c80319c' } },
      { line: 'slow', ts: 1705312802000, app: 'billing', host: '10.0.0.2:9100', level: 'warn' },
      { line: 'from job', ts: 1705312803000, app: 'promtail/syslog', host: 'h3' },
    ]);
    expect(result.rejected).toEqual([]);
  });

  it('maps a snappy-compressed protobuf PushRequest identically', () => {
    const request = {
      streams: [
        {
          labels: '{app="web", host="node-1", level="error", env="prod", job="varlogs"}',
          entries: [
            { timestamp: { seconds: 1705312800, nanos: 123456789 }, line: 'GET /api 500' },
            { timestamp: { seconds: 1705312801, nanos: 0 }, line: 'with metadata', structuredMetadata: [{ name: 'trace_id', value: '0af7651916cd43dd8448eb211c80319c' }, { name: 'user', value: 'u1' }] },
          ],
        },
        { labels: '{service_name="billing",instance="10.0.0.2:9100",detected_level="warn"}', entries: [{ timestamp: { seconds: 1705312802 }, line: 'slow' }] },
      ],
    };
    const result = decodeLokiPush(protoBody(request), PROTO_CTX);
    expect(wellFormed(result)).toEqual([
      { line: 'GET /api 500', ts: 1705312800123, app: 'web', host: 'node-1', level: 'error', meta: { labels: { env: 'prod', job: 'varlogs' } } },
      { line: 'with metadata', ts: 1705312801000, app: 'web', host: 'node-1', level: 'error', meta: { labels: { env: 'prod', job: 'varlogs' }, structured_metadata: { user: 'u1' }, trace_id: '0af7651916cd43dd8448eb211c80319c' } },
      { line: 'slow', ts: 1705312802000, app: 'billing', host: '10.0.0.2:9100', level: 'warn' },
    ]);
  });

  it('reads app, level and Kubernetes labels by the field-alias table (python-logging-loki, Promtail)', () => {
    const body = {
      streams: [
        { stream: { application: 'shop', severity: 'warning', logger: 'root' }, values: [['1705312800000000000', 'low stock']] },
        { stream: { job: 'kubernetes-pods', namespace: 'prod', pod: 'api-1', container: 'api', detected_level: 'error' }, values: [['1705312800000000000', 'boom']] },
      ],
    };
    expect(wellFormed(decodeLokiPush(Buffer.from(JSON.stringify(body)), JSON_CTX))).toEqual([
      { line: 'low stock', ts: 1705312800000, app: 'shop', level: 'warn', meta: { labels: { logger: 'root' } } },
      { line: 'boom', ts: 1705312800000, app: 'api', level: 'error', meta: { labels: { job: 'kubernetes-pods' }, 'k8s.namespace.name': 'prod', 'k8s.pod.name': 'api-1', 'k8s.container.name': 'api' } },
    ]);
  });

  it('parses the label-set syntax with escapes', () => {
    expect(parseLokiLabels('{app="x", host="y"}')).toEqual({ labels: { app: 'x', host: 'y' } });
    expect(parseLokiLabels(' { a = "q\\"uote\\\\d\\nnl" , b="}" , } ')).toEqual({ labels: { a: 'q"uote\\d\nnl', b: '}' } });
    expect(parseLokiLabels('{}')).toEqual({ labels: {} });
    expect(parseLokiLabels('{error="yes"}')).toEqual({ labels: { error: 'yes' } });
    expect(parseLokiLabels('app="x"')).toEqual({ error: 'labels: expected {' });
    expect(parseLokiLabels('{app=x}')).toEqual({ error: 'labels: expected " to open the value of app' });
    expect(parseLokiLabels('{app="x"')).toEqual({ error: 'labels: expected , or } at 8' });
    expect(parseLokiLabels('{app="x')).toEqual({ error: 'labels: unterminated value of app' });
    expect(parseLokiLabels('{1a="x"}')).toEqual({ error: 'labels: expected a label name at 1' });
    expect(parseLokiLabels('{a="x"} junk')).toEqual({ error: 'labels: text after }' });
  });

  it('rejects the entries of a stream with bad labels, and bad entries, keeping the rest', () => {
    const request = { streams: [
      { labels: '{app="ok"}', entries: [{ timestamp: { seconds: 1 }, line: 'a' }, { line: 'no timestamp' }] },
      { labels: 'not labels', entries: [{ timestamp: { seconds: 1 }, line: 'b' }, { timestamp: { seconds: 1 }, line: 'c' }] },
    ] };
    const result = decodeLokiPush(protoBody(request), PROTO_CTX);
    expect(result.lines.map((l) => l.line)).toEqual(['a']);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'entry 1: missing or invalid timestamp' },
      { index: 2, reason: 'stream labels "not labels": labels: expected {' },
      { index: 3, reason: 'stream labels "not labels": labels: expected {' },
    ]);
    const json = { streams: [{ stream: { app: 'x' }, values: [['nope', 'a'], ['1', 2], 'x', ['1705312800000000000', 'ok']] }, { values: [['1', 'y']] }] };
    const jr = decodeLokiPush(Buffer.from(JSON.stringify(json)), JSON_CTX);
    expect(jr.lines.map((l) => l.line)).toEqual(['ok']);
    expect(jr.rejected.map((r) => r.reason)).toEqual([
      'streams[0].values[0]: invalid timestamp, expected nanoseconds since the epoch as a string',
      'streams[0].values[1]: expected ["<unix epoch in nanoseconds>", "<log line>"]',
      'streams[0].values[2]: expected ["<unix epoch in nanoseconds>", "<log line>"]',
      'streams[1]: missing "stream" labels',
    ]);
  });

  it('answers 400 for bodies that are not a push request', () => {
    expect(() => decodeLokiPush(Buffer.from('{"streams": [}'), JSON_CTX)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^body: invalid JSON/) }));
    expect(() => decodeLokiPush(Buffer.from('{"stream": {}}'), JSON_CTX)).toThrow(expect.objectContaining({ status: 400, message: 'body: expected {"streams":[...]}' }));
    expect(() => decodeLokiPush(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), PROTO_CTX)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^invalid snappy body/) }));
    expect(() => decodeLokiPush(compress(Buffer.from([0x0a, 0xff, 0x01])), PROTO_CTX)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^invalid protobuf PushRequest/) }));
    expect(() => decodeLokiPush(Buffer.from('{}'), { contentType: 'text/plain' })).toThrow(expect.objectContaining({ status: 415 }));
  });

  it('answers 413 for a snappy bomb header and past 50,000 entries', () => {
    // A snappy stream that announces 2^31 bytes: refused from its header, nothing allocated.
    expect(() => decodeLokiPush(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08, 0x00]), PROTO_CTX)).toThrow(expect.objectContaining({ status: 413 }));
    const entries = Array.from({ length: 50_001 }, () => ({ timestamp: { seconds: 1 }, line: 'x' }));
    expect(() => decodeLokiPush(protoBody({ streams: [{ labels: '{app="a"}', entries }] }), PROTO_CTX)).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
    const values = Array.from({ length: 50_001 }, () => ['1705312800000000000', 'x']);
    expect(() => decodeLokiPush(Buffer.from(JSON.stringify({ streams: [{ stream: { app: 'a' }, values }] })), JSON_CTX)).toThrow(
      expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }),
    );
  });

  it('decodes gzip JSON (Content-Encoding) after decompressBody and truncates long lines', () => {
    const body = zlib.gzipSync(JSON.stringify({ streams: [{ stream: { app: 'a' }, values: [['1705312800000000000', 'y'.repeat(LIMITS.maxLineBytes + 1)]] }] }));
    const result = decodeLokiPush(decompressBody(body, 'gzip', 1e7), JSON_CTX);
    expect(result.truncated).toBe(1);
    wellFormed(result);
  });

  it('bounds many labels once per stream', () => {
    const labels: Record<string, string> = {};
    for (let i = 0; i < 300; i++) labels[`l${i}`] = 'v';
    const values = Array.from({ length: 10 }, () => ['1705312800000000000', 'x']);
    const result = decodeLokiPush(Buffer.from(JSON.stringify({ streams: [{ stream: labels, values }] })), JSON_CTX);
    wellFormed(result);
    expect(Object.keys(result.lines[0].meta!.labels as object).length).toBe(LIMITS.maxFields - 1);
    expect(result.fieldsDropped).toBe(300 - (LIMITS.maxFields - 1));
  });
});
