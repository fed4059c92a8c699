import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { decodeNdjson, decodePlainText, decodeV1Ingest } from './ndjson';
import type { DecodeContext, DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const ndjson = (ctx: DecodeContext = {}) => ({ ...ctx, contentType: 'application/x-ndjson' });

describe('POST /v1/ingest', () => {
  const query = { app: 'billing', host: 'web-1', level: 'info', tags: 'a,b' };

  it('keeps each JSON line as the text and lifts routing fields', () => {
    const body = [
      '{"message":"paid","app":"payments","host":"web-2","level":"warn","timestamp":"2024-01-01T00:00:00Z","amount":3}',
      '{"msg":"no routing","ts":1704067200000}',
      '  ',
      '"just a string"',
      '',
    ].join('\r\n');
    const result = decodeV1Ingest(Buffer.from(body), { contentType: 'application/x-ndjson; charset=utf-8', query });
    const [a, b, c] = wellFormed(result);
    expect(a).toEqual({
      line: '{"message":"paid","app":"payments","host":"web-2","level":"warn","timestamp":"2024-01-01T00:00:00Z","amount":3}',
      app: 'payments', host: 'web-2', level: 'warn', ts: '2024-01-01T00:00:00Z', tags: ['a', 'b'],
    });
    expect(b).toEqual({ line: '{"msg":"no routing","ts":1704067200000}', app: 'billing', host: 'web-1', level: 'info', ts: 1704067200000, tags: ['a', 'b'] });
    expect(c).toEqual({ line: 'just a string', app: 'billing', host: 'web-1', level: 'info', tags: ['a', 'b'] });
    expect(result.lines).toHaveLength(3);
  });

  it('decodes a line that is a JSON string into the string, as the array form does', () => {
    const access = '10.1.2.3 - - [10/Mar/2024:11:58:01 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5"';
    const body = `${JSON.stringify(access)}\n${JSON.stringify([access])}\n`;
    const lines = decodeNdjson(Buffer.from(JSON.stringify(access)), {}).lines.map((l) => l.line);
    expect(lines).toEqual([access]);
    expect(decodeNdjson(Buffer.from(body), {}).lines.map((l) => l.line)).toEqual([access, JSON.stringify([access])]);
    expect(decodeNdjson(Buffer.from(JSON.stringify([access])), {}).lines.map((l) => l.line)).toEqual([access]);
  });

  it('accepts `hostname` in a JSON line and ignores non-string routing fields', () => {
    const [line] = decodeNdjson(Buffer.from('{"hostname":"h","app":7,"level":{"x":1}}'), {}).lines;
    expect(line).toEqual({ line: '{"hostname":"h","app":7,"level":{"x":1}}', host: 'h' });
  });

  it('accepts application/json as one array or one pretty-printed object', () => {
    const array = decodeV1Ingest(Buffer.from('[{"app":"a","m":1}, "text", 3]'), { contentType: 'application/json' });
    expect(wellFormed(array).map((l) => l.line)).toEqual(['{"app":"a","m":1}', 'text', '3']);
    expect(array.lines[0].app).toBe('a');
    const pretty = decodeV1Ingest(Buffer.from('{\n  "app": "x",\n  "m": 1\n}\n'), { contentType: 'application/json' });
    expect(wellFormed(pretty)).toEqual([{ line: '{\n  "app": "x",\n  "m": 1\n}', app: 'x' }]);
  });

  it('rejects lines that are not JSON, naming the line, and keeps the others', () => {
    const result = decodeNdjson(Buffer.from('{"a":1}\n{"a":}\n\n{"b":2}\n'), {});
    expect(result.lines).toHaveLength(2);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].index).toBe(1);
    expect(result.rejected[0].reason).toMatch(/^line 2: invalid JSON: /);
  });

  it('answers 400 naming the first bad line when no line is JSON', () => {
    expect(() => decodeNdjson(Buffer.from('\n\nnot json\n{"x":}'), {})).toThrow(
      expect.objectContaining({ name: 'ProtocolError', status: 400, message: expect.stringMatching(/^line 3: invalid JSON: /) }),
    );
  });

  it('decodes text/plain: each non-blank line, CRLF handled, query defaults', () => {
    const result = decodeV1Ingest(Buffer.from('first line\r\n\r\n  \nsecond line\nthird'), { contentType: 'text/plain', query });
    expect(wellFormed(result)).toEqual(['first line', 'second line', 'third'].map((line) => ({ line, app: 'billing', host: 'web-1', level: 'info', tags: ['a', 'b'] })));
  });

  it('decodes gzip bodies after decompressBody', () => {
    const body = zlib.gzipSync('{"m":1}\n{"m":2}\n');
    expect(decodeNdjson(decompressBody(body, 'gzip', 1e6), ndjson()).lines).toHaveLength(2);
  });

  it('answers 415 for other content types', () => {
    expect(() => decodeV1Ingest(Buffer.from('x'), { contentType: 'application/xml' })).toThrow(
      expect.objectContaining({ status: 415, message: expect.stringContaining('"application/xml"') }),
    );
    expect(() => decodeV1Ingest(Buffer.from('x'), {})).toThrow(expect.objectContaining({ status: 415, message: expect.stringContaining('(none)') }));
  });

  it('answers 413 for more than 50,000 lines', () => {
    expect(() => decodePlainText(Buffer.from('x\n'.repeat(50_001)), {})).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
    expect(() => decodeNdjson(Buffer.from('{}\n'.repeat(50_001)), {})).toThrow(expect.objectContaining({ status: 413 }));
    expect(decodePlainText(Buffer.from('x\n'.repeat(50_000)), {}).lines).toHaveLength(50_000);
  });

  it('truncates long lines, never drops them', () => {
    const result = decodePlainText(Buffer.from(`${'x'.repeat(100_000)}\nshort`), {});
    expect(result.truncated).toBe(1);
    expect(wellFormed(result)).toHaveLength(2);
  });

  it('replaces invalid UTF-8', () => {
    const result = decodePlainText(Buffer.from([0x61, 0xc3, 0x28, 0x0a, 0xff]), {});
    expect(result.lines.map((l) => l.line)).toEqual(['a\ufffd(', '\ufffd']);
  });
});
