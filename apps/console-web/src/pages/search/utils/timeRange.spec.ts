import { describeRange, isRelative, resolveBound, zoomOut, zoomTo } from './timeRange';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('time ranges', () => {
  it('resolves the bounds the query-api reads', () => {
    expect(resolveBound('now', NOW)).toBe(NOW);
    expect(resolveBound('-15m', NOW)).toBe(NOW - 15 * 60_000);
    expect(resolveBound('now-1h', NOW)).toBe(NOW - 3_600_000);
    expect(resolveBound('1700000000000', NOW)).toBe(1_700_000_000_000);
    expect(resolveBound('2026-12-02T10:00:00', NOW)).toBe(Date.UTC(2026, 11, 2, 10));
    expect(resolveBound('2026-12-02T10:00:00+01:00', NOW)).toBe(Date.UTC(2026, 11, 2, 9));
    expect(resolveBound('soon', NOW)).toBeUndefined();
  });

  it('names presets and relative ranges', () => {
    expect(describeRange('-1h', 'now', NOW)).toBe('Last hour');
    expect(describeRange('-90m', 'now', NOW)).toBe('Last 90m');
    expect(isRelative('-1h', 'now')).toBe(true);
    expect(isRelative('1700000000000', 'now')).toBe(false);
  });

  it('zooms into a dragged range in either direction and out around the middle', () => {
    expect(zoomTo(2000.4, 1000.6)).toEqual({ from: '1000', to: '2001' });
    expect(zoomOut(String(NOW - 2 * 3_600_000), String(NOW - 3_600_000), NOW)).toEqual({ from: String(NOW - 2.5 * 3_600_000), to: String(NOW - 0.5 * 3_600_000) });
    expect(zoomOut('-1h', 'now', NOW).to).toBe('now');
  });
});
