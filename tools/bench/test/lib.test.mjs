import { fmt, mib, parseBenchArgs, percentile, runBounded, sampleLine } from '../lib.mjs';

describe('benchmark helpers', () => {
  it('takes the nearest-rank percentile', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('runs every index once with no more than the limit in flight', async () => {
    const seen = [];
    let inFlight = 0;
    let most = 0;
    await runBounded(25, 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      seen.push(i);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(most).toBe(4);
    await runBounded(0, 4, async () => {
      throw new Error('never called');
    });
  });

  it('makes varied ~200-byte JSON lines carrying the marker', () => {
    const lines = Array.from({ length: 8 }, (_, i) => sampleLine(i, 'm4rk'));
    for (const line of lines) {
      const parsed = JSON.parse(line);
      expect(parsed.msg).toContain('m4rk');
      expect(line.length).toBeGreaterThan(120);
      expect(line.length).toBeLessThan(260);
    }
    expect(new Set(lines.map((l) => JSON.parse(l).level))).toEqual(new Set(['info', 'warn', 'error', 'debug']));
    expect(sampleLine(3, 'x')).toBe(sampleLine(3, 'x'));
  });

  it('formats figures', () => {
    expect(fmt(1234567)).toBe('1,234,567');
    expect(fmt(3.14159, 2)).toBe('3.14');
    expect(mib(3 * 1024 * 1024)).toBe(3);
  });

  it('reads --quick and --only', () => {
    const all = parseBenchArgs([]);
    expect(all.quick).toBe(false);
    expect(all.only('search')).toBe(true);
    const some = parseBenchArgs(['--quick', '--only', 'pipeline,tail']);
    expect(some.quick).toBe(true);
    expect(some.sections).toEqual(['pipeline', 'tail']);
    expect(some.only('tail')).toBe(true);
    expect(some.only('search')).toBe(false);
    expect(parseBenchArgs(['--only=ingest']).sections).toEqual(['ingest']);
    expect(parseBenchArgs([]).corpus).toBe('mixed');
    expect(parseBenchArgs(['--corpus', 'json', '--lines=5000'])).toMatchObject({ corpus: 'json', lines: 5000 });
    expect(() => parseBenchArgs(['--lines', 'many'])).toThrow(/--lines/);
  });
});
