import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { ProtocolError } from './errors';
import { decodeHecEvent, decodeHecRaw, hecErrorResponse, hecResponse, JsonObjectSplitter } from './splunk-hec';
import type { DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error('expected a ProtocolError');
}

describe('Splunk HEC /services/collector/event', () => {
  it('maps concatenated events, with and without separators', () => {
    const body = [
      '{"time": 1705312800.123, "host": "web-1", "source": "/var/log/app.log", "sourcetype": "app:json", "index": "main", "event": "user logged in", "fields": {"region": "eu", "level": "warn"}}',
      '{"event": {"action": "buy", "severity": "error", "amount": 3}, "fields": {"app": "shop"}}',
      '   {"event":"third","time":"1705312801"}\n',
    ].join('');
    const result = decodeHecEvent(Buffer.from(body), { query: { host: 'default-host', sourcetype: 'default-st' } });
    const [a, b, c] = wellFormed(result);
    expect(a).toEqual({
      line: 'user logged in', ts: 1705312800.123, host: 'web-1', app: '/var/log/app.log', level: 'warn',
      meta: { region: 'eu', source: '/var/log/app.log', sourcetype: 'app:json', index: 'main' },
    });
    expect(b).toEqual({ line: '{"action":"buy","severity":"error","amount":3}', host: 'default-host', app: 'shop', level: 'error', meta: { sourcetype: 'default-st' } });
    expect(c).toEqual({ line: 'third', ts: '1705312801', host: 'default-host', app: 'default-st', meta: { sourcetype: 'default-st' } });
    expect(result.hecError).toBeUndefined();
  });

  it('splits objects containing braces and escaped quotes in strings', () => {
    const body = '{"event":"a } { \\" }"}{"event":{"nested":{"x":[1,{"y":"}"}]}}}';
    expect(decodeHecEvent(Buffer.from(body), {}).lines.map((l) => l.line)).toEqual(['a } { " }', '{"nested":{"x":[1,{"y":"}"}]}}']);
  });

  it('answers events without `event` (code 12) and blank events (code 13) per event', () => {
    const result = decodeHecEvent(Buffer.from('{"event":"ok"}{"host":"x"}{"event":""}{"event":null}{"event":"also ok"}'), {});
    expect(result.lines.map((l) => l.line)).toEqual(['ok', 'also ok']);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'event 1: Event field is required' },
      { index: 2, reason: 'event 2: Event field cannot be blank' },
      { index: 3, reason: 'event 3: Event field cannot be blank' },
    ]);
    expect(result.hecError).toEqual({ code: 12, invalidEventNumber: 1 });
    expect(hecResponse(result.hecError!.code, result.hecError!.invalidEventNumber)).toEqual({ status: 400, body: { text: 'Event field is required', code: 12, 'invalid-event-number': 1 } });
  });

  it('keeps the events before a syntax error and reports code 6 where it stopped', () => {
    const result = decodeHecEvent(Buffer.from('{"event":"one"}{"event":"two"} not json {"event":"three"}'), {});
    expect(result.lines.map((l) => l.line)).toEqual(['one', 'two']);
    expect(result.hecError).toEqual({ code: 6, invalidEventNumber: 2 });
    expect(result.rejected[0].reason).toMatch(/^event 2: Invalid data format: expected \{ at byte/);
    const cut = decodeHecEvent(Buffer.from('{"event":"one"}{"event":"tw'), {});
    expect(cut.rejected[0].reason).toBe('event 1: Invalid data format: unterminated JSON object at the end of the body');
    const badJson = decodeHecEvent(Buffer.from('{"event":"one"}{"event": tru}'), {});
    expect(badJson.hecError).toEqual({ code: 6, invalidEventNumber: 1 });
  });

  it('answers 400 code 5 for an empty body and code 6 when nothing is JSON', () => {
    const empty = thrown(() => decodeHecEvent(Buffer.from('  \n'), {}));
    expect(empty).toMatchObject({ status: 400, message: 'No data: the body is empty', details: { hecCode: 5 } });
    expect(hecErrorResponse(empty)).toEqual({ status: 400, body: { text: 'No data', code: 5 } });
    const invalid = thrown(() => decodeHecEvent(Buffer.from('[{"event":"x"}]'), {}));
    expect(invalid).toMatchObject({ status: 400, message: 'Invalid data format: expected { at byte 0', details: { hecCode: 6, invalidEventNumber: 0 } });
    expect(hecErrorResponse(invalid)).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 } });
  });

  it('answers the success and health shapes', () => {
    expect(hecResponse(0)).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(hecResponse(17)).toEqual({ status: 200, body: { text: 'HEC is healthy', code: 17 } });
    expect(hecResponse(9)).toEqual({ status: 503, body: { text: 'Server is busy', code: 9 } });
    expect(hecResponse(4).status).toBe(403);
    expect(hecResponse(999)).toEqual({ status: 500, body: { text: 'Internal server error', code: 8 } });
    expect(hecErrorResponse(new ProtocolError(413, 'too many lines: 50001 > 50000')).status).toBe(413);
  });

  it('decodes gzip after decompressBody, truncates long events, answers 413 past 50,000 events', () => {
    const body = zlib.gzipSync(`{"event":"${'x'.repeat(LIMITS.maxLineBytes + 5)}"}{"event":"y"}`);
    const result = decodeHecEvent(decompressBody(body, 'gzip', 1e7), {});
    expect(result.truncated).toBe(1);
    wellFormed(result);
    expect(() => decodeHecEvent(Buffer.from('{"event":"x"}'.repeat(50_001)), {})).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
  });
});

describe('JsonObjectSplitter', () => {
  it('splits across chunk boundaries, including inside strings and multi-byte characters', () => {
    const stream = Buffer.from('{"a":"x}y"} {"b":"é\\"}"}\n{"c":[{}]}');
    for (let size = 1; size <= stream.length; size++) {
      const splitter = new JsonObjectSplitter();
      const objects: string[] = [];
      for (let i = 0; i < stream.length; i += size) splitter.push(stream.subarray(i, i + size), (o) => objects.push(o.toString('utf8')));
      expect(objects).toEqual(['{"a":"x}y"}', '{"b":"é\\"}"}', '{"c":[{}]}']);
      expect(splitter.incomplete).toBe(false);
    }
  });

  it('refuses an object larger than its bound', () => {
    const splitter = new JsonObjectSplitter(10);
    expect(splitter.push(Buffer.from('{"event":"much too long"}'), () => undefined).error).toBe('event larger than 10 bytes at byte 0');
  });
});

describe('Splunk HEC /services/collector/raw', () => {
  it('makes one event per line, with the query parameters', () => {
    const result = decodeHecRaw(Buffer.from('first\r\n\nsecond\n'), { query: { host: 'h', source: 'syslog', sourcetype: 'linux', index: 'os' } });
    expect(wellFormed(result)).toEqual(['first', 'second'].map((line) => ({ line, host: 'h', app: 'syslog', meta: { source: 'syslog', sourcetype: 'linux', index: 'os' } })));
  });

  it('answers 400 code 5 for an empty body', () => {
    expect(thrown(() => decodeHecRaw(Buffer.alloc(0), {}))).toMatchObject({ status: 400, details: { hecCode: 5 } });
  });
});
