import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, TRUNCATION_MARKER } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { ProtocolError } from './errors';
import { boundMeta, boundName, boundTags, pick, stringifyBounded } from './fields';
import { REQUEST_LIMITS } from './limits';
import { ResultBuilder } from './result';
import { forEachLine } from './text';
import { header, mediaType, queryList, queryParam } from './types';

const stats = () => ({ fieldsDropped: 0, valuesCut: 0 });

function nest(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < depth; i++) value = { child: value };
  return value;
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe('boundMeta', () => {
  it('keeps small meta as is, in a fresh object', () => {
    const src = { a: 1, b: 'two', c: [1, 2, { d: true }], e: null };
    const s = stats();
    const { meta } = boundMeta(src, s);
    expect(meta).toEqual(src);
    expect(meta).not.toBe(src);
    expect(s).toEqual({ fieldsDropped: 0, valuesCut: 0 });
  });

  it('returns undefined for an empty object', () => {
    expect(boundMeta({}, stats()).meta).toBeUndefined();
    expect(boundMeta(undefined, stats()).meta).toBeUndefined();
  });

  it(`drops fields past maxFields (${LIMITS.maxFields}) and counts them`, () => {
    const src: Record<string, number> = {};
    for (let i = 0; i < 250; i++) src[`k${i}`] = i;
    const s = stats();
    const { meta } = boundMeta(src, s);
    expect(Object.keys(meta!)).toHaveLength(LIMITS.maxFields);
    expect(s.fieldsDropped).toBe(50);
  });

  it('counts nested keys against maxFields (a dropped object counts as one field)', () => {
    const src: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++) {
      const inner: Record<string, number> = {};
      for (let j = 0; j < 30; j++) inner[`j${j}`] = j;
      src[`i${i}`] = inner;
    }
    const s = stats();
    boundMeta(src, s);
    // 6 objects of 1 + 30 keys fit (186), the 7th keeps 13 of its 30 keys, the last 3 go whole.
    expect(s.fieldsDropped).toBe(17 + 3);
  });

  it(`stringifies objects deeper than maxDepth (${LIMITS.maxDepth}) at the cut`, () => {
    const s = stats();
    const { meta } = boundMeta(nest(20), s);
    expect(depthOf(meta)).toBe(LIMITS.maxDepth);
    expect(s.valuesCut).toBe(1);
    let cur: unknown = meta;
    for (let i = 1; i < LIMITS.maxDepth; i++) cur = (cur as Record<string, unknown>).child;
    const cut = (cur as Record<string, unknown>).child;
    expect(typeof cut).toBe('string');
    expect(JSON.parse(cut as string)).toEqual(nest(20 - LIMITS.maxDepth));
  });

  it('keeps exactly maxDepth levels without cutting', () => {
    const s = stats();
    const { meta } = boundMeta(nest(LIMITS.maxDepth - 1), s);
    expect(meta).toEqual(nest(LIMITS.maxDepth - 1));
    expect(s.valuesCut).toBe(0);
  });

  it('cuts long string values and long keys', () => {
    const s = stats();
    const long = 'é'.repeat(LIMITS.maxValueLength);
    const key = 'k'.repeat(300);
    const { meta } = boundMeta({ long, [key]: 1 }, s);
    expect(Buffer.byteLength(meta!.long as string)).toBeLessThanOrEqual(LIMITS.maxValueLength);
    expect((meta!.long as string).endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(meta!['k'.repeat(LIMITS.maxKeyLength)]).toBe(1);
    expect(s.valuesCut).toBe(2);
  });

  it('drops __proto__ keys instead of replacing the prototype', () => {
    const src = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
    const s = stats();
    const { meta } = boundMeta(src, s);
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
    expect((meta as Record<string, unknown>).polluted).toBeUndefined();
    expect(meta).toEqual({ ok: 1 });
    expect(s.fieldsDropped).toBe(1);
  });

  it(`stops at the meta byte budget (${REQUEST_LIMITS.maxMetaBytes})`, () => {
    const src: Record<string, string> = {};
    for (let i = 0; i < 100; i++) src[`k${i}`] = 'x'.repeat(4000);
    const s = stats();
    const { meta, bytes } = boundMeta(src, s);
    expect(Object.keys(meta!).length).toBeLessThan(20);
    expect(s.fieldsDropped).toBe(100 - Object.keys(meta!).length);
    expect(bytes).toBeLessThan(REQUEST_LIMITS.maxMetaBytes + LIMITS.maxValueLength);
  });

  it('makes non-JSON values JSON-safe', () => {
    const { meta } = boundMeta({ n: NaN, i: Infinity, b: 10n, bytes: new Uint8Array([1, 2, 3]), d: new Date(0), f: () => 1, u: undefined }, stats());
    expect(meta).toEqual({ n: 'NaN', i: 'Infinity', b: '10', bytes: 'AQID', d: '1970-01-01T00:00:00.000Z' });
  });

  it('bounds arrays to maxFields elements', () => {
    const s = stats();
    const { meta } = boundMeta({ a: new Array(1000).fill(1) }, s);
    expect((meta!.a as unknown[]).length).toBe(LIMITS.maxFields);
    expect(s.fieldsDropped).toBe(800);
  });
});

describe('stringifyBounded', () => {
  it('equals JSON.stringify when short', () => {
    const value = { a: [1, 'x', null, true], b: { c: 'd"e' } };
    expect(stringifyBounded(value, 1000)).toBe(JSON.stringify(value));
  });

  it('stops early on huge and very deep values', () => {
    const huge = { a: 'x'.repeat(10_000_000) };
    expect(stringifyBounded(huge, 100).length).toBeLessThanOrEqual(100);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => stringifyBounded(deep, 1000)).not.toThrow();
  });
});

describe('names, tags and paths', () => {
  it('bounds names', () => {
    expect(boundName('  web-1 ')).toBe('web-1');
    expect(boundName('')).toBeUndefined();
    expect(boundName('   ')).toBeUndefined();
    expect(boundName(42)).toBe('42');
    expect(boundName({})).toBeUndefined();
    expect(boundName('x'.repeat(1000))).toHaveLength(LIMITS.maxNameLength);
    // Never splits a surrogate pair.
    const emoji = `${'x'.repeat(LIMITS.maxNameLength - 1)}😀`;
    expect(boundName(emoji)).toBe('x'.repeat(LIMITS.maxNameLength - 1));
  });

  it('bounds tags', () => {
    expect(boundTags(['a', ' b ', '', 'a', 3])).toEqual(['a', 'b']);
    expect(boundTags(Array.from({ length: 50 }, (_, i) => `t${i}`))).toHaveLength(LIMITS.maxTags);
    expect(boundTags(['x'.repeat(500)])![0]).toHaveLength(LIMITS.maxTagLength);
    expect(boundTags([])).toBeUndefined();
  });

  it('picks dotted paths, literal key first', () => {
    expect(pick({ 'host.name': 'a', host: { name: 'b' } }, 'host.name')).toBe('a');
    expect(pick({ host: { name: 'b' } }, 'host.name')).toBe('b');
    expect(pick({ host: 'c' }, 'host.name')).toBeUndefined();
    expect(pick({ a: { 'b.c': 1 } }, 'a.b.c')).toBe(1);
  });
});

describe('context helpers', () => {
  it('reads query, headers and media type', () => {
    const ctx = { query: { a: 'x', b: ['y', 'z'], e: '' }, headers: { 'content-type': 'Application/JSON; charset=utf-8' } };
    expect(queryParam(ctx, 'a')).toBe('x');
    expect(queryParam(ctx, 'b')).toBe('y');
    expect(queryParam(ctx, 'e')).toBeUndefined();
    expect(queryList(ctx, 'b')).toEqual(['y', 'z']);
    expect(mediaType(ctx)).toBe('application/json');
    expect(mediaType({ contentType: 'text/plain', headers: { 'content-type': 'application/json' } })).toBe('text/plain');
    expect(header(ctx, 'content-type')).toContain('JSON');
  });

  it('splits lines on LF and CRLF', () => {
    const seen: [string, number][] = [];
    forEachLine('a\r\nb\n\nc', (line, n) => seen.push([line, n]));
    expect(seen).toEqual([['a', 1], ['b', 2], ['', 3], ['c', 4]]);
    const none: string[] = [];
    forEachLine('', (l) => none.push(l));
    expect(none).toEqual([]);
  });
});

describe('ResultBuilder', () => {
  it('truncates long lines with the marker and counts them', () => {
    const out = new ResultBuilder();
    out.add({ line: 'ü'.repeat(LIMITS.maxLineBytes) });
    const r = out.result();
    expect(r.truncated).toBe(1);
    expect(Buffer.byteLength(r.lines[0].line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
    expect(r.lines[0].line.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(rawLineSchema.safeParse(r.lines[0]).success).toBe(true);
  });

  it(`throws 413 "too many lines: 50001 > 50000" on the ${REQUEST_LIMITS.maxLinesPerRequest + 1}th item`, () => {
    const out = new ResultBuilder();
    for (let i = 0; i < REQUEST_LIMITS.maxLinesPerRequest; i++) out.add({ line: 'x' });
    let error: unknown;
    try {
      out.reject(0, 'nope');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ name: 'ProtocolError', status: 413, message: 'too many lines: 50001 > 50000' });
  });

  it('refuses an announced count up front', () => {
    expect(() => new ResultBuilder().expect(60_000)).toThrow('too many lines: 60000 > 50000');
  });

  it('drops absurd timestamps and bounds every field', () => {
    const out = new ResultBuilder();
    const line = out.add({ line: 'x', ts: 'y'.repeat(100), app: 'a'.repeat(999), host: ' h ', level: 'WARNING', tags: ['t'] });
    expect(line).toEqual({ line: 'x', app: 'a'.repeat(LIMITS.maxNameLength), host: 'h', level: 'warn', tags: ['t'] });
    expect(out.result().valuesCut).toBe(1);
  });

  it(`refuses requests that decode to more than ${REQUEST_LIMITS.maxDecodedBytes} bytes (413)`, () => {
    const out = new ResultBuilder();
    const shared: Record<string, string> = {};
    for (let i = 0; i < 8; i++) shared[`k${i}`] = 'v'.repeat(LIMITS.maxValueLength - 20);
    expect(() => {
      for (let i = 0; i < REQUEST_LIMITS.maxLinesPerRequest; i++) out.add({ line: 'x', meta: shared });
    }).toThrow(/^decoded request too large/);
  });
});

describe('decompressBody', () => {
  const text = Buffer.from('{"lines":[{"line":"hello"}]}');

  it('inflates gzip, x-gzip, deflate (zlib and raw), br and stacked codings', () => {
    expect(decompressBody(zlib.gzipSync(text), 'gzip', 1e6)).toEqual(text);
    expect(decompressBody(zlib.gzipSync(text), 'X-GZIP', 1e6)).toEqual(text);
    expect(decompressBody(zlib.deflateSync(text), 'deflate', 1e6)).toEqual(text);
    expect(decompressBody(zlib.deflateRawSync(text), 'deflate', 1e6)).toEqual(text);
    expect(decompressBody(zlib.brotliCompressSync(text), 'br', 1e6)).toEqual(text);
    expect(decompressBody(zlib.gzipSync(zlib.deflateSync(text)), 'deflate, gzip', 1e6)).toEqual(text);
    expect(decompressBody(text, undefined, 1e6)).toBe(text);
    expect(decompressBody(text, 'identity', 1e6)).toBe(text);
  });

  it('recognises gzip and zlib by their magic bytes whatever the header says, as Graylog does', () => {
    // pygelf: zlib labelled "gzip,deflate"; gzip labelled deflate; compressed without a label.
    expect(decompressBody(zlib.deflateSync(text), 'gzip,deflate', 1e6)).toEqual(text);
    expect(decompressBody(zlib.deflateSync(text), 'gzip', 1e6)).toEqual(text);
    expect(decompressBody(zlib.gzipSync(text), 'deflate', 1e6)).toEqual(text);
    expect(decompressBody(zlib.gzipSync(text), undefined, 1e6)).toEqual(text);
    expect(decompressBody(zlib.deflateSync(text), undefined, 1e6)).toEqual(text);
    expect(decompressBody(zlib.deflateRawSync(text), 'gzip', 1e6)).toEqual(text);
    // Text that merely starts like a zlib header stays text when nothing says it is compressed.
    const lookalike = Buffer.from('x^2 is a square');
    expect(decompressBody(lookalike, undefined, 1e6)).toBe(lookalike);
    expect(() => decompressBody(zlib.gzipSync(Buffer.alloc(5e6)), undefined, 1000)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('refuses a zip bomb with 413 without inflating it', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(() => decompressBody(bomb, 'gzip', 1024 * 1024)).toThrow(expect.objectContaining({ status: 413, message: 'decompressed body exceeds 1048576 bytes' }));
    expect(() => decompressBody(zlib.brotliCompressSync(Buffer.alloc(5e6)), 'br', 1000)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('refuses an uncompressed body over the limit with 413', () => {
    expect(() => decompressBody(Buffer.alloc(2000), undefined, 1000)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('answers 400 for corrupt data and 415 for unknown codings', () => {
    expect(() => decompressBody(Buffer.from('not gzip'), 'gzip', 1e6)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^invalid gzip body: /) }));
    expect(() => decompressBody(zlib.gzipSync(text).subarray(0, 15), 'gzip', 1e6)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decompressBody(text, 'zstd', 1e6)).toThrow(expect.objectContaining({ status: 415, message: expect.stringContaining('"zstd"') }));
  });
});
