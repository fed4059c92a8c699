import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { decodeMezmoIngest } from './mezmo';
import type { DecodeContext, DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const decode = (body: unknown, ctx: DecodeContext = {}) =>
  decodeMezmoIngest(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), ctx);

describe('Mezmo ingest (POST /logs/ingest, /logs/agent)', () => {
  const ctx: DecodeContext = { query: { hostname: 'web-1', mac: 'C0:FF:EE:C0:FF:EE', ip: '10.0.1.101', tags: 'prod, eu-west ,', now: '1700000000000' }, receivedAt: 1700000000000 };

  it('maps a realistic body', () => {
    const result = decode({
      lines: [
        { line: 'GET /health 200', app: 'nginx', level: 'INFO', timestamp: 1699999999000, file: '/var/log/nginx/access.log', env: 'production', meta: { req: { id: 'abc' } } },
        { line: 'boom', app: 'api', level: 'error', timestamp: '2023-11-14T22:13:20.000Z', meta: '{"user":42}' },
        { line: 'plain' },
      ],
    }, ctx);
    const [a, b, c] = wellFormed(result);
    expect(a).toEqual({
      line: 'GET /health 200', app: 'nginx', host: 'web-1', level: 'info', ts: 1699999999000, tags: ['prod', 'eu-west'],
      meta: { req: { id: 'abc' }, mac: 'C0:FF:EE:C0:FF:EE', ip: '10.0.1.101', file: '/var/log/nginx/access.log', env: 'production' },
    });
    expect(b).toMatchObject({ line: 'boom', app: 'api', level: 'error', ts: '2023-11-14T22:13:20.000Z', meta: { user: 42 } });
    expect(c).toEqual({ line: 'plain', host: 'web-1', tags: ['prod', 'eu-west'], meta: { mac: 'C0:FF:EE:C0:FF:EE', ip: '10.0.1.101' } });
    expect(result.rejected).toEqual([]);
  });

  it('accepts the agent body {"e":"ls","ls":[...]}', () => {
    const result = decode({ e: 'ls', ls: [{ line: 'from agent', file: '/var/log/syslog' }] });
    expect(wellFormed(result)).toEqual([{ line: 'from agent', meta: { file: '/var/log/syslog' } }]);
  });

  it('decodes a gzip body after decompressBody', () => {
    const body = zlib.gzipSync(JSON.stringify({ lines: [{ line: 'zipped', app: 'a' }] }));
    const result = decodeMezmoIngest(decompressBody(body, 'gzip', 1e6), {});
    expect(wellFormed(result)).toEqual([{ line: 'zipped', app: 'a' }]);
  });

  it('keeps a meta string that is not JSON under meta.meta', () => {
    const [line] = decode({ lines: [{ line: 'x', meta: 'just text' }, { line: 'y', meta: '{broken' }] }).lines;
    expect(line.meta).toEqual({ meta: 'just text' });
  });

  it('corrects the sender clock with ?now= when it drifts by a second or more', () => {
    const drifted = decode({ lines: [{ line: 'x', timestamp: 1699999000000 }, { line: 'y', timestamp: '2023-11-14T22:00:00Z' }] }, { query: { now: '1699999990000' }, receivedAt: 1700000000000 });
    expect(drifted.lines[0].ts).toBe(1699999000000 + 10_000);
    expect(drifted.lines[1].ts).toBe(Date.parse('2023-11-14T22:00:00Z') + 10_000);
    const close = decode({ lines: [{ line: 'x', timestamp: 1699999000000 }] }, { query: { now: '1699999999500' }, receivedAt: 1700000000000 });
    expect(close.lines[0].ts).toBe(1699999000000);
  });

  it('rejects items that are not objects or have no string line, keeping the rest', () => {
    const result = decode({ lines: [{ line: 'ok' }, 'nope', { line: 3 }, { app: 'x' }] });
    expect(result.lines).toHaveLength(1);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'lines[1]: expected an object' },
      { index: 2, reason: 'lines[2]: "line" must be a string' },
      { index: 3, reason: 'lines[3]: "line" must be a string' },
    ]);
  });

  it('bounds meta depth and fields', () => {
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const many: Record<string, number> = {};
    for (let i = 0; i < 300; i++) many[`f${i}`] = i;
    const result = decode({ lines: [{ line: 'deep', meta: deep }, { line: 'many', meta: many }] });
    wellFormed(result);
    expect(result.valuesCut).toBe(1);
    expect(result.fieldsDropped).toBe(100);
  });

  it('truncates long lines and counts them', () => {
    const result = decode({ lines: [{ line: 'x'.repeat(LIMITS.maxLineBytes + 10) }] });
    wellFormed(result);
    expect(result.truncated).toBe(1);
  });

  it('answers 400 naming the problem for a body that is not JSON or not {"lines":[]}', () => {
    expect(() => decode('{"lines": [}')).toThrow(expect.objectContaining({ name: 'ProtocolError', status: 400, message: expect.stringMatching(/^body: invalid JSON: /) }));
    expect(() => decode({ line: 'x' })).toThrow(expect.objectContaining({ status: 400, message: 'body: expected {"lines":[...]}' }));
    expect(() => decode([])).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('answers 413 for more than 50,000 lines', () => {
    const body = `{"lines":[${new Array(50_001).fill('{"line":"x"}').join(',')}]}`;
    expect(() => decode(body)).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
  });

  it('replaces invalid UTF-8 instead of failing', () => {
    const body = Buffer.concat([Buffer.from('{"lines":[{"line":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}]}')]);
    expect(decodeMezmoIngest(body, {}).lines[0].line).toBe('a\ufffd\ufffdb');
  });
});
