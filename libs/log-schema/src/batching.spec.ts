import { LIMITS, TRUNCATION_MARKER } from './limits';
import { splitIntoBatches, truncateUtf8 } from './batching';
import { eventId, newBatchId } from './ids';
import { decodeRawBatch, encodeMessage, PoisonMessageError } from './codec';

describe('truncateUtf8', () => {
  it('leaves short text alone', () => {
    expect(truncateUtf8('hello', 100)).toEqual({ text: 'hello', truncated: false });
  });

  it('cuts long text to the byte budget with the marker, never inside a character', () => {
    const text = 'é'.repeat(1000); // 2 bytes each
    const { text: cut, truncated } = truncateUtf8(text, 101);
    expect(truncated).toBe(true);
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(101);
    expect(cut).not.toContain('\uFFFD');
  });
});

describe('splitIntoBatches', () => {
  it('respects the line count limit and keeps order', () => {
    const lines = Array.from({ length: 2500 }, (_, i) => ({ line: `l${i}` }));
    const batches = splitIntoBatches(lines, 1000);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat().map((l) => l.line)).toEqual(lines.map((l) => l.line));
  });

  it('respects the byte limit', () => {
    const lines = Array.from({ length: 100 }, () => ({ line: 'x'.repeat(LIMITS.maxLineBytes) }));
    for (const batch of splitIntoBatches(lines)) {
      expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThan(LIMITS.maxBatchBytes);
    }
  });
});

describe('ids', () => {
  it('batch ids sort by time and event ids by line', () => {
    const a = newBatchId(1000);
    const b = newBatchId(2000);
    expect(a < b).toBe(true);
    expect(eventId(a, 2) < eventId(a, 10)).toBe(true);
  });
});

describe('decodeRawBatch', () => {
  const batch = { v: 1, tenant: 'acme', batchId: newBatchId(), receivedAt: Date.now(), source: { protocol: 'http-json' }, lines: [{ line: 'x' }] };

  it('round-trips a valid batch', () => {
    expect(decodeRawBatch(encodeMessage(batch))).toEqual(batch);
  });

  it('calls undecodable or misshapen messages poison, naming the problem', () => {
    expect(() => decodeRawBatch(new TextEncoder().encode('{nope'))).toThrow(PoisonMessageError);
    expect(() => decodeRawBatch(encodeMessage({ ...batch, tenant: 'Not.A.Tenant' }))).toThrow(/tenant/);
    expect(() => decodeRawBatch(encodeMessage({ ...batch, lines: [] }))).toThrow(/lines/);
    expect(() => decodeRawBatch(encodeMessage({ ...batch, lines: [{ line: 'x', meta: ['not', 'an', 'object'] }] }))).toThrow(/meta/);
  });

  it('keeps every field name a tenant sends, including constructor and __proto__', () => {
    const json = `{"v":1,"tenant":"acme","batchId":"${batch.batchId}","receivedAt":1,"source":{"protocol":"http-json"},` +
      '"lines":[{"line":"x","meta":{"constructor":{"a":1},"__proto__":{"b":2},"toString":"t"}}]}';
    const meta = decodeRawBatch(new TextEncoder().encode(json)).lines[0].meta!;
    expect(Object.keys(meta).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(meta.constructor).toEqual({ a: 1 });
    expect(({} as Record<string, unknown>).b).toBeUndefined();
  });
});
