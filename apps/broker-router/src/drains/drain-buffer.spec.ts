import { DrainBuffer } from './drain-buffer';
import type { DrainLine } from './framing';

const l = (n: number, size = 1): DrainLine => ({ ts: n, app: 'a', host: 'h', line: 'x'.repeat(size) });

describe('DrainBuffer', () => {
  it('hands lines out oldest first, in batches', () => {
    const b = new DrainBuffer(100, 1e9);
    b.push([l(1), l(2), l(3)]);
    expect(b.take(2).map((x) => x.ts)).toEqual([1, 2]);
    expect(b.length).toBe(1);
    expect(b.take(10).map((x) => x.ts)).toEqual([3]);
    expect(b.take(10)).toEqual([]);
  });

  it('is bounded in lines: the oldest are pushed out and counted', () => {
    const b = new DrainBuffer(3, 1e9);
    expect(b.push([l(1), l(2), l(3), l(4), l(5)])).toBe(2);
    expect(b.take(10).map((x) => x.ts)).toEqual([3, 4, 5]);
    expect(b.takeOverflowed()).toBe(2);
    expect(b.takeOverflowed()).toBe(0);
  });

  it('is bounded in bytes, and refuses a single line bigger than the whole buffer', () => {
    const b = new DrainBuffer(1000, 1000);
    b.push([l(1, 300), l(2, 300), l(3, 300)]); // 428 bytes each with the allowance
    expect(b.length).toBe(2);
    expect(b.byteSize).toBeLessThanOrEqual(1000);
    expect(b.push([l(4, 5000)])).toBe(1);
    expect(b.take(10).map((x) => x.ts)).toEqual([2, 3]);
    expect(b.byteSize).toBe(0);
  });

  it('stays correct over many pushes and takes (compaction)', () => {
    const b = new DrainBuffer(5000, 1e9);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      b.push(Array.from({ length: 300 }, () => l(next++)));
      for (const x of b.take(250)) expect(x.ts).toBe(expected++);
    }
    expect(b.length).toBe(next - expected);
  });
});
