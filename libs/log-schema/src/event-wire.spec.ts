import fc from 'fast-check';
import type { EventBatch, LogEvent } from './batch';
import { PoisonMessageError, encodeMessage } from './codec';
import { toDocument } from './document';
import { decodeEventBatch, encodeEventBatch, readEventBatch } from './event-wire';
import { newBatchId } from './ids';

const batchId = newBatchId(1_733_140_000_000);
const event = (i: number, extra: Partial<LogEvent> = {}): LogEvent => ({
  id: `${batchId}-${i}`, tenant: 'acme', ts: 1_733_140_000_000 + i, receivedAt: 1_733_140_000_500, app: 'web', host: 'h1',
  level: 'info', message: `line ${i}\nwith a second line`, tags: ['t'], fields: { http: { status: 200 }, note: 'a\nb' }, source: 'http-ndjson', ...extra,
});
const batch = (events: LogEvent[]): EventBatch => ({ v: 1, tenant: 'acme', batchId, events });

describe('EVENTS wire format', () => {
  it('round-trips a batch, noIndex included', () => {
    const b = batch([event(0), event(1, { noIndex: true }), event(2, { level: undefined })]);
    const decoded = decodeEventBatch(encodeEventBatch(b));
    expect(decoded).toEqual({ ...b, events: [b.events[0], b.events[1], { ...b.events[2], level: undefined }] });
  });

  it('carries each event as the document the indexer writes, readable without parsing', () => {
    const b = batch([event(0), event(1, { noIndex: true })]);
    const wire = readEventBatch(encodeEventBatch(b));
    expect(wire).toMatchObject({ tenant: 'acme', batchId });
    expect(wire.events.map((e) => [e.id, e.ts, e.indexed])).toEqual([[b.events[0].id, b.events[0].ts, true], [b.events[1].id, b.events[1].ts, false]]);
    expect(JSON.parse(Buffer.from(wire.events[0].document).toString('utf8'))).toEqual(JSON.parse(JSON.stringify(toDocument(b.events[0]))));
  });

  it('keeps every field name and value, whatever characters they hold', () => {
    fc.assert(fc.property(fc.array(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())), { minLength: 0, maxLength: 5 }), (fieldMaps) => {
      const b = batch(fieldMaps.map((fields, i) => event(i, { fields, message: fc.sample(fc.string(), 1)[0] })));
      const decoded = decodeEventBatch(encodeEventBatch(b));
      expect(decoded.events.map((e) => e.fields)).toEqual(b.events.map((e) => JSON.parse(JSON.stringify(e.fields))));
    }));
  });

  it('still reads version 1 messages written before an upgrade', () => {
    const b = batch([event(0)]);
    expect(decodeEventBatch(encodeMessage(b))).toEqual(b);
    expect(readEventBatch(encodeMessage(b)).events.map((e) => e.id)).toEqual([b.events[0].id]);
  });

  it('reads an empty batch', () => {
    expect(decodeEventBatch(encodeEventBatch(batch([])))).toEqual(batch([]));
  });

  it('calls a malformed message poison, naming the problem', () => {
    const good = Buffer.from(encodeEventBatch(batch([event(0), event(1)]))).toString('utf8');
    const lines = good.split('\n');
    expect(() => readEventBatch(Buffer.from(lines.slice(0, 2).join('\n')))).toThrow(/lists 2 events but carries 1/);
    expect(() => readEventBatch(Buffer.from(`${good}\n{"extra":1}`))).toThrow(/more documents/);
    expect(() => readEventBatch(Buffer.from(good.replace('"tenant":"acme"', '"tenant":"Not.A.Tenant"')))).toThrow(PoisonMessageError);
    expect(() => decodeEventBatch(Buffer.from([lines[0], '{not json', lines[2]].join('\n')))).toThrow(/not UTF-8 JSON/);
    expect(() => decodeEventBatch(Buffer.from('{nope'))).toThrow(PoisonMessageError);
  });
});
