import { graphHref, overall, readGraphState, statSeries } from './statsSeries';

const stats = {
  interval: '1m',
  overall: { count: 3, min: 1, max: 9, avg: 4, percentiles: { '50': 3, '95': 8.5, '99': 9 } },
  buckets: [
    { ts: 60_000, count: 2, min: 1, max: 3, avg: 2, percentiles: { '50': 2, '95': 3, '99': 3 } },
    { ts: 120_000, count: 1, min: 9, max: 9, avg: 9, percentiles: { '50': 9, '95': 9, '99': null } },
  ],
};

describe('graph utils', () => {
  it('picks a statistic per bucket, seconds on x', () => {
    expect(statSeries(stats, 'count')).toEqual({ x: [60, 120], y: [2, 1] });
    expect(statSeries(stats, 'p99')).toEqual({ x: [60, 120], y: [3, null] });
    expect(overall(stats, 'p95')).toBe(8.5);
    expect(overall(stats, 'avg')).toBe(4);
  });

  it('keeps the graph in the URL', () => {
    const s = { q: 'app:web', from: '-4h', to: 'now', field: 'latency_ms', kind: 'stats' as const, stat: 'p99' as const };
    expect(readGraphState(new URL(graphHref(s), 'http://x').searchParams)).toEqual(s);
    expect(graphHref(readGraphState(new URLSearchParams()))).toBe('/graphs');
  });
});
