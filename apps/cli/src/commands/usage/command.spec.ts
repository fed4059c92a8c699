import { HttpStub, json, setup, URLS } from '../../testing/harness';

const env = { ...URLS, MILLRACE_KEY: 'mlr_sk_test' };
const tally = (n: number) => ({ received: n, receivedBytes: n * 100, kept: n, keptBytes: n * 100, excluded: 0, sampled: 0, noIndex: 0, overQuota: 0, overQuotaBytes: 0 });

describe('millrace usage and fields', () => {
  it('usage prints the day by app with the quota', async () => {
    const http = new HttpStub().on('GET', '/v1/usage', json({ tenant: 'acme', day: '2025-01-05', apps: [{ app: 'api', ...tally(10) }], totals: tally(10), quota: { limitBytes: 1048576, exceeded: false } }));
    const t = setup({ http, env });
    expect(await t.run('usage', '--day', '2025-01-05')).toBe(0);
    expect(http.requests[0].url.searchParams.get('day')).toBe('2025-01-05');
    expect(t.stdout.text).toContain('acme, 2025-01-05 (UTC)');
    expect(t.stdout.text).toMatch(/^api +10 +10 +1000 B/m);
    expect(t.stdout.text).toMatch(/^all apps +10/m);
    expect(t.stdout.text).toContain('daily quota: 1.0 MiB');
  });

  it('fields lists names, types and examples', async () => {
    const http = new HttpStub().on('GET', '/v1/fields', json({ sampled: 2, fields: [{ name: 'status', types: ['number'], count: 2, examples: [200, 500] }] }));
    const t = setup({ http, env });
    expect(await t.run('fields', '-a', 'api', '-o', 'table')).toBe(0);
    expect(http.requests[0].url.searchParams.get('q')).toBe('app:api');
    expect(t.stdout.text).toBe('FIELD   TYPES   SEEN  EXAMPLES\nstatus  number  2     200, 500\n');
  });
});
