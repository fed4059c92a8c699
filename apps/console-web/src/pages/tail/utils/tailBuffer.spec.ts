import type { LogEvent } from '../../../api/types';
import { TailBuffer } from './tailBuffer';

const ev = (i: number): LogEvent => ({ id: `e${i}`, ts: i, app: 'a', host: 'h', message: `m${i}`, tags: [], fields: {} });

describe('TailBuffer', () => {
  it('keeps at most the limit and counts what scrolled out', () => {
    const b = new TailBuffer(100);
    for (let i = 0; i < 10; i++) b.addLines(Array.from({ length: 50 }, (_, j) => ev(i * 50 + j)));
    const shown = b.snapshot();
    expect(shown).toHaveLength(100);
    expect(b.received).toBe(500);
    expect(b.scrolledOut).toBe(400);
    expect(shown[shown.length - 1]).toMatchObject({ kind: 'line', event: { id: 'e499' } });
  });

  it('records drops as a notice in place and in the count', () => {
    const b = new TailBuffer(10);
    b.addLines([ev(1)]);
    b.addDropped(1234);
    b.addLines([ev(2)]);
    expect(b.dropped).toBe(1234);
    expect(b.snapshot().map((i) => i.kind)).toEqual(['line', 'notice', 'line']);
    expect(b.snapshot()[1]).toMatchObject({ text: expect.stringContaining('1,234 lines dropped') });
  });

  it('gives every item a unique key for rendering', () => {
    const b = new TailBuffer(5);
    for (let i = 0; i < 20; i++) b.addLines([ev(i)]);
    const keys = b.snapshot().map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    b.clear();
    expect(b.snapshot()).toEqual([]);
    expect(b.received).toBe(0);
  });
});
