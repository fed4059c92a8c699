import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { decodeLogscaleStructured, decodeLogscaleUnstructured } from './logscale';
import type { DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('LogScale structured ingest (POST /api/v1/ingest/humio-structured)', () => {
  it('maps the documented example', () => {
    const body = [{
      tags: { host: 'server1', source: 'application.log' },
      events: [
        { timestamp: '2016-06-06T12:00:00+02:00', attributes: { key1: 'value1', key2: 'value2', level: 'ERROR' }, rawstring: '2016-06-06T12:00:00+02:00 ERROR something broke' },
        { timestamp: 1465207200000, attributes: { app: 'billing', amount: 3 } },
        { timestamp: '2016-06-06T12:00:00', timezone: 'Europe/Copenhagen', rawstring: 'local time' },
      ],
    }];
    const result = decodeLogscaleStructured(json(body), {});
    expect(wellFormed(result)).toEqual([
      {
        line: '2016-06-06T12:00:00+02:00 ERROR something broke', ts: '2016-06-06T12:00:00+02:00', host: 'server1', level: 'error',
        tags: ['host=server1', 'source=application.log'], meta: { key1: 'value1', key2: 'value2' },
      },
      { line: '{"app":"billing","amount":3}', ts: 1465207200000, app: 'billing', host: 'server1', tags: ['host=server1', 'source=application.log'] },
      { line: 'local time', ts: '2016-06-06T12:00:00', host: 'server1', tags: ['host=server1', 'source=application.log'], meta: { timezone: 'Europe/Copenhagen' } },
    ]);
  });

  it('accepts a single group object and gzip via decompressBody', () => {
    const body = zlib.gzipSync(JSON.stringify({ tags: { app: 'x' }, events: [{ rawstring: 'r' }] }));
    expect(decodeLogscaleStructured(decompressBody(body, 'gzip', 1e6), {}).lines).toEqual([{ line: 'r', app: 'x', tags: ['app=x'] }]);
  });

  it('rejects bad groups and events, keeping the rest', () => {
    const result = decodeLogscaleStructured(json([{ events: [{ rawstring: 'ok' }, 'bad', { timestamp: 1 }] }, { tags: {} }, 7]), {});
    expect(result.lines.map((l) => l.line)).toEqual(['ok']);
    expect(result.rejected).toEqual([
      { index: 1, reason: '[0].events[1]: expected an object' },
      { index: 2, reason: '[0].events[2]: needs "rawstring" or "attributes"' },
      { index: 3, reason: '[1]: expected {"tags":{...},"events":[...]}' },
      { index: 4, reason: '[2]: expected {"tags":{...},"events":[...]}' },
    ]);
  });

  it('answers 400 for a body that is not JSON groups and 413 past 50,000 events', () => {
    expect(() => decodeLogscaleStructured(Buffer.from('[{"events": ]'), {})).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^body: invalid JSON/) }));
    expect(() => decodeLogscaleStructured(json('text'), {})).toThrow(expect.objectContaining({ status: 400, message: 'body: expected [{"tags":{...},"events":[...]}]' }));
    const events = new Array(50_001).fill({ rawstring: 'x' });
    expect(() => decodeLogscaleStructured(json([{ events }]), {})).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
  });
});

describe('LogScale unstructured ingest (POST /api/v1/ingest/humio-unstructured)', () => {
  it('maps the documented example', () => {
    const body = [{
      fields: { host: 'webhost1', app: 'nginx' },
      type: 'accesslog',
      messages: ['192.168.1.21 - user1 [02/Nov/2017:13:48:26 +0000] "POST /humio/api/v1/ingest/elastic-bulk HTTP/1.1" 200 0', '192.168.1.49 - user1 [02/Nov/2017:13:48:33 +0000] "POST /humio/api/v1/ingest/elastic-bulk HTTP/1.1" 200 0'],
    }];
    const result = decodeLogscaleUnstructured(json(body), {});
    const lines = wellFormed(result);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ line: body[0].messages[0], host: 'webhost1', app: 'nginx', meta: { parser: 'accesslog' } });
  });

  it('rejects non-string messages and bad groups; 400 for non-JSON; bounds shared fields once', () => {
    const fields: Record<string, number> = {};
    for (let i = 0; i < 250; i++) fields[`f${i}`] = i;
    const result = decodeLogscaleUnstructured(json([{ fields, messages: ['a', 3, 'b'] }, { fields: {} }]), {});
    expect(result.lines.map((l) => l.line)).toEqual(['a', 'b']);
    expect(result.rejected).toEqual([{ index: 1, reason: '[0].messages[1]: expected a string' }, { index: 3, reason: '[1]: expected {"fields":{...},"messages":[...]}' }]);
    expect(result.fieldsDropped).toBe(50);
    expect(() => decodeLogscaleUnstructured(Buffer.from('nope'), {})).toThrow(expect.objectContaining({ status: 400 }));
  });
});
