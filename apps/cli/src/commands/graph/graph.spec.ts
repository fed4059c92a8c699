import { HttpStub, json, setup, URLS } from '../../testing/harness';

const env = { ...URLS, MILLRACE_KEY: 'mlr_sk_test' };
const T = Date.UTC(2025, 0, 5, 10, 0);

describe('millrace graph', () => {
  it('histogram draws one bar per bucket, scaled to the largest', async () => {
    const http = new HttpStub().on('GET', '/v1/graphs/histogram', json({ interval: '1m', buckets: [T, T + 60_000, T + 120_000], total: [10, 5, 0] }));
    const t = setup({ http, env });
    expect(await t.run('graph', 'histogram', '-l', 'error', '--interval', '1m')).toBe(0);
    const [a, b, c, summary] = t.stdout.text.split('\n');
    expect(a).toMatch(/^10:00  █+ +10$/);
    expect(b).toMatch(/^10:01  █+[▏▎▍▌▋▊▉]? +5$/);
    expect(c).toMatch(/^10:02  +0$/);
    expect(a.split('█').length - 1).toBe(2 * (b.split('█').length - 1) + 1);
    expect(summary).toBe('15 events, 1m buckets');
    expect(http.requests[0].url.searchParams.get('q')).toBe('level:error');
  });

  it('histogram with a split stacks the series with a legend', async () => {
    const http = new HttpStub().on('GET', '/v1/graphs/histogram', json({ interval: '1h', buckets: [T], total: [6], series: [{ key: 'api', counts: [4] }, { key: '__other__', counts: [2] }] }));
    const t = setup({ http, env });
    await t.run('graph', 'histogram', '--split', 'app');
    expect(t.stdout.text).toContain('▓');
    expect(t.stdout.text).toContain('█ api  ▓ __other__');
  });

  it('top and stats print their figures', async () => {
    const http = new HttpStub()
      .on('GET', '/v1/graphs/top', json({ field: 'status', values: [{ value: 200, count: 90 }, { value: 500, count: 9 }], other: 1 }))
      .on('GET', '/v1/graphs/stats', json({ interval: '1m', overall: { count: 3, min: 1, max: 9, avg: 4.333, percentiles: { '50.0': 3, '99.0': 9 } }, buckets: [] }));
    const t = setup({ http, env });
    expect(await t.run('graph', 'top', 'status')).toBe(0);
    expect(t.stdout.text).toMatch(/^    200  █+ +90$/m);
    expect(t.stdout.text).toMatch(/^\(other\)  [▏▎▍▌▋▊▉█]* +1$/m);
    expect(await t.run('graph', 'stats', 'latency_ms')).toBe(0);
    expect(t.stdout.text).toContain('1M       COUNT  MIN  AVG   MAX  P50  P99\noverall  3      1    4.33  9    3    9');
  });
});
