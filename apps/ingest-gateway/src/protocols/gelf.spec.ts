import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { decodeGelfHttp, decodeGelfMessage, GelfChunkAssembler } from './gelf';
import type { DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const MESSAGE = {
  version: '1.1',
  host: 'example.org',
  short_message: 'A short message that helps you identify what is going on',
  full_message: 'Backtrace here\n\nmore stuff',
  timestamp: 1385053862.3072,
  level: 1,
  _user_id: 9001,
  _some_info: 'foo',
  _some_env_var: 'bar',
  _id: 'reserved',
};

describe('GELF over HTTP (POST /gelf)', () => {
  it('maps the GELF 1.1 example', () => {
    const result = decodeGelfHttp(Buffer.from(JSON.stringify(MESSAGE)), {});
    expect(wellFormed(result)).toEqual([{
      line: 'A short message that helps you identify what is going on',
      host: 'example.org',
      ts: 1385053862307,
      level: 'fatal',
      meta: { full_message: 'Backtrace here\n\nmore stuff', user_id: 9001, some_info: 'foo', some_env_var: 'bar' },
    }]);
  });

  it('takes the app from _app-like fields or facility (Docker sends _container_name)', () => {
    const docker = { version: '1.1', host: 'node-1', short_message: 'hello', level: 6, _container_name: 'web', _image_name: 'nginx:1.25', _tag: 'abc' };
    expect(decodeGelfHttp(Buffer.from(JSON.stringify(docker)), {}).lines[0]).toMatchObject({ app: 'web', level: 'info', meta: { image_name: 'nginx:1.25', tag: 'abc' } });
    const word = { short_message: 'x', level: 'WARNING' };
    expect(decodeGelfHttp(Buffer.from(JSON.stringify(word)), {}).lines[0]).toMatchObject({ level: 'warn' });
    // gelf-pro names the app with its `facility` field, sent as `_facility`.
    const gelfPro = { version: '1.1', host: 'h', short_message: 'x', level: 6, _facility: 'billing-api', _owner: 'tom' };
    expect(decodeGelfHttp(Buffer.from(JSON.stringify(gelfPro)), {}).lines[0]).toMatchObject({ app: 'billing-api', meta: { facility: 'billing-api', owner: 'tom' } });
    const legacy = { short_message: 'x', facility: 'billing', level: '4' };
    expect(decodeGelfHttp(Buffer.from(JSON.stringify(legacy)), {}).lines[0]).toMatchObject({ app: 'billing', level: 'warn', meta: { facility: 'billing' } });
  });

  it('accepts one pretty-printed message', () => {
    expect(decodeGelfHttp(Buffer.from(JSON.stringify(MESSAGE, null, 2)), {}).lines[0].host).toBe('example.org');
  });

  it('accepts several messages separated by newlines or NUL bytes', () => {
    const body = `${JSON.stringify({ short_message: 'a' })}\n${JSON.stringify({ short_message: 'b' })}\0${JSON.stringify({ short_message: 'c' })}\0`;
    expect(decodeGelfHttp(Buffer.from(body), {}).lines.map((l) => l.line)).toEqual(['a', 'b', 'c']);
  });

  it('inflates gzip and zlib bodies itself, and via decompressBody', () => {
    const json = JSON.stringify({ short_message: 'zipped' });
    expect(decodeGelfHttp(zlib.gzipSync(json), {}).lines[0].line).toBe('zipped');
    expect(decodeGelfHttp(zlib.deflateSync(json), {}).lines[0].line).toBe('zipped');
    expect(decodeGelfHttp(decompressBody(zlib.gzipSync(json), 'gzip', 1e6), {}).lines[0].line).toBe('zipped');
  });

  it('rejects bad messages among good ones; 400 when none is good', () => {
    const result = decodeGelfHttp(Buffer.from(`{"short_message":"ok"}\n{"host":"x"}\n[1]\n{bad`), {});
    expect(result.lines).toHaveLength(1);
    expect(result.rejected.map((r) => r.reason)).toEqual(['message 2: missing short_message', 'message 3: expected a JSON object', expect.stringMatching(/^message 4: invalid JSON/)]);
    expect(() => decodeGelfHttp(Buffer.from('{"host":"x"}'), {})).toThrow(expect.objectContaining({ status: 400, message: 'message 1: missing short_message' }));
    expect(() => decodeGelfHttp(Buffer.from('\n\0'), {})).toThrow(expect.objectContaining({ status: 400, message: 'empty body: expected a GELF JSON message' }));
    expect(() => decodeGelfHttp(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), {})).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^invalid gzip GELF payload/) }));
  });

  it('bounds fields, truncates long messages, answers 413 past 50,000 messages and for bombs', () => {
    const doc: Record<string, unknown> = { short_message: 'x'.repeat(LIMITS.maxLineBytes + 1) };
    for (let i = 0; i < 250; i++) doc[`_f${i}`] = i;
    const result = decodeGelfHttp(Buffer.from(JSON.stringify(doc)), {});
    wellFormed(result);
    expect(result.truncated).toBe(1);
    expect(result.fieldsDropped).toBe(50);
    expect(() => decodeGelfHttp(Buffer.from('{"short_message":"x"}\n'.repeat(50_001)), {})).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
    expect(() => decodeGelfMessage(zlib.gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20)))).toThrow(expect.objectContaining({ status: 413 }));
  });
});

/** Chunk a payload as GELF UDP senders do. */
function chunk(payload: Buffer, id: Buffer, size: number): Buffer[] {
  const count = Math.ceil(payload.length / size);
  return Array.from({ length: count }, (_, i) => Buffer.concat([Buffer.from([0x1e, 0x0f]), id, Buffer.from([i, count]), payload.subarray(i * size, (i + 1) * size)]));
}

describe('GELF over UDP: GelfChunkAssembler', () => {
  const payload = zlib.gzipSync(JSON.stringify({ ...MESSAGE, full_message: randomBytes(2500).toString('hex') }));
  const id = Buffer.from('0123456789abcdef', 'hex');

  it('passes unchunked datagrams through and decodes them (plain, gzip, zlib)', () => {
    const assembler = new GelfChunkAssembler();
    for (const datagram of [Buffer.from(JSON.stringify(MESSAGE)), zlib.gzipSync(JSON.stringify(MESSAGE)), zlib.deflateSync(JSON.stringify(MESSAGE))]) {
      const out = assembler.push(datagram);
      expect(out.kind).toBe('message');
      if (out.kind === 'message') expect(decodeGelfMessage(out.payload).lines[0].host).toBe('example.org');
    }
  });

  it('reassembles chunks in any order, ignoring duplicates', () => {
    const chunks = chunk(payload, id, 500);
    expect(chunks.length).toBeGreaterThan(2);
    const assembler = new GelfChunkAssembler();
    const order = [...chunks].reverse();
    const results = [...order.slice(0, 2), order[0], ...order.slice(2)].map((c) => assembler.push(c, 1000));
    const done = results.filter((r) => r.kind === 'message');
    expect(done).toHaveLength(1);
    if (done[0].kind === 'message') expect(done[0].payload).toEqual(payload);
    expect(decodeGelfMessage((done[0] as { payload: Buffer }).payload).lines[0].meta!.full_message).toHaveLength(5000);
    expect(assembler.inFlight).toBe(0);
    expect(assembler.bufferedBytes).toBe(0);
    expect(assembler.stats.completed).toBe(1);
  });

  it('evicts a message whose chunks do not all arrive within 5 s', () => {
    const assembler = new GelfChunkAssembler();
    const [first, ...rest] = chunk(payload, id, 500);
    expect(assembler.push(first, 0).kind).toBe('partial');
    assembler.sweep(4_999);
    expect(assembler.inFlight).toBe(1);
    assembler.sweep(5_000);
    expect(assembler.inFlight).toBe(0);
    expect(assembler.bufferedBytes).toBe(0);
    expect(assembler.stats.evicted).toBe(1);
    // Late chunks start a new, incomplete message: nothing is emitted.
    expect(rest.map((c) => assembler.push(c, 6_000).kind)).not.toContain('message');
  });

  it('bounds the number of messages in flight and the bytes held', () => {
    const assembler = new GelfChunkAssembler({ maxInFlight: 3, maxBufferedBytes: 2_000 });
    for (let i = 0; i < 10; i++) assembler.push(chunk(Buffer.alloc(1000, 1), Buffer.alloc(8, i), 300)[0], 0);
    expect(assembler.inFlight).toBeLessThanOrEqual(3);
    expect(assembler.bufferedBytes).toBeLessThanOrEqual(2_000);
    expect(assembler.stats.evicted).toBe(7);
  });

  it('drops malformed chunks and counts them', () => {
    const assembler = new GelfChunkAssembler({ maxMessageBytes: 10_000 });
    const header = (seq: number, count: number) => Buffer.concat([Buffer.from([0x1e, 0x0f]), id, Buffer.from([seq, count]), Buffer.from('data')]);
    expect(assembler.push(Buffer.from([0x1e, 0x0f, 1, 2]))).toEqual({ kind: 'dropped', reason: 'chunk shorter than its 12-byte header' });
    expect(assembler.push(header(0, 129))).toEqual({ kind: 'dropped', reason: 'sequence count 129 outside 1..128' });
    expect(assembler.push(header(0, 0))).toEqual({ kind: 'dropped', reason: 'sequence count 0 outside 1..128' });
    expect(assembler.push(header(5, 5))).toEqual({ kind: 'dropped', reason: 'sequence number 5 not below the count 5' });
    expect(assembler.push(header(0, 3)).kind).toBe('partial');
    expect(assembler.push(header(1, 4))).toEqual({ kind: 'dropped', reason: 'chunks of one message disagree on the count (3 then 4)' });
    expect(assembler.inFlight).toBe(0);
    const big = chunk(Buffer.alloc(20_000), Buffer.alloc(8, 7), 8_000);
    expect(big.map((c) => assembler.push(c).kind)).toContain('dropped');
    expect(assembler.stats.dropped).toBe(6);
    expect(assembler.push(header(0, 1))).toEqual({ kind: 'message', payload: Buffer.from('data') });
  });

  it('holds bounded memory whatever datagrams arrive (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(15), fc.nat(5), fc.integer({ min: 1, max: 6 }), fc.uint8Array({ maxLength: 300 }), fc.nat(10_000)), { maxLength: 200 }), (datagrams) => {
        const assembler = new GelfChunkAssembler({ maxInFlight: 8, maxBufferedBytes: 4_000, maxMessageBytes: 1_000 });
        let now = 0;
        for (const [idByte, seq, count, data, dt] of datagrams) {
          now += dt;
          const result = assembler.push(Buffer.concat([Buffer.from([0x1e, 0x0f]), Buffer.alloc(8, idByte), Buffer.from([seq, count]), data]), now);
          if (result.kind === 'message') expect(result.payload.length).toBeLessThanOrEqual(1_000);
          expect(assembler.inFlight).toBeLessThanOrEqual(8);
          expect(assembler.bufferedBytes).toBeLessThanOrEqual(4_000);
          expect(assembler.bufferedBytes).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
