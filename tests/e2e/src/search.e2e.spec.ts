import { Client } from '@opensearch-project/opensearch';
import { eventId, newBatchId } from '@millrace/log-schema';
import { eventIndexName, EVENTS_TEMPLATE, eventsIndexTemplate, toDocument } from '@millrace/search-index';
import { request } from './support/http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';
import { stackEnv } from './support/stack';

let platform: Platform;
let org: OrgKeys;
let other: OrgKeys;
const os = new Client({ node: stackEnv().OPENSEARCH_URL });
const EXPORT_LINES = 100_000;
const now = Date.now();

const api = (method: string, path: string, key: string, body?: unknown) => request<any>(method, `${platform.urls.query}${path}`, { key, body }); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Index many events straight into OpenSearch (the export is under test, not the pipeline). */
async function seed(tenant: string, count: number): Promise<void> {
  await os.indices.putIndexTemplate({ name: EVENTS_TEMPLATE, body: eventsIndexTemplate() as never });
  for (let start = 0; start < count; start += 5000) {
    const batchId = newBatchId();
    const body: object[] = [];
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const ts = now - 30 * 60_000 + i; // one event per millisecond, all within the last 30 minutes
      body.push({ index: { _index: eventIndexName('r30', ts), _id: eventId(batchId, i - start), routing: tenant } });
      body.push(toDocument({
        id: eventId(batchId, i - start), tenant, ts, receivedAt: ts, app: 'export', host: 'h', level: 'info',
        message: i === 7 ? 'a "quoted", comma line' : `export line ${i}`, tags: [], fields: { n: i }, source: 'http-json',
      }));
    }
    const { body: result } = await os.bulk({ body });
    expect(result.errors).toBe(false);
  }
  await os.indices.refresh({ index: 'millrace-events-*' });
}

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('srch'));
  other = platform.createOrg(uniqueOrg('srchb'));
  await seed(org.org, EXPORT_LINES);
}, 300000);
afterAll(async () => {
  await os.close();
  await platform?.shutdown();
});

describe('export', () => {
  it(`streams ${EXPORT_LINES} lines as NDJSON, each once, oldest first, in bounded memory`, async () => {
    // The query-api runs with a heap far smaller than the export held in memory would need
    // (~25 MiB of NDJSON, several times that as objects): only paging keeps it alive.
    await platform.stop('query-api');
    await platform.start('query-api', { MILLRACE_NODE_ARGS: '--max-old-space-size=48' });
    for (let round = 0; round < 2; round++) {
      const res = await fetch(`${platform.urls.query}/v1/export?from=-1h&format=ndjson`, { headers: { authorization: `Bearer ${org.readKey}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      let lines = 0;
      let bytes = 0;
      let previous = -1;
      let ordered = true;
      let rest = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        const parts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
        rest = parts.pop() ?? '';
        for (const part of parts) {
          const n = (JSON.parse(part) as { fields: { n: number } }).fields.n;
          if (n !== previous + 1) ordered = false;
          previous = n;
          lines++;
        }
      }
      expect(lines).toBe(EXPORT_LINES);
      expect(ordered).toBe(true);
      expect(bytes).toBeGreaterThan(20 * 1024 * 1024);
    }
    expect(platform.isRunning('query-api')).toBe(true);
    await platform.stop('query-api');
    await platform.start('query-api');
  }, 180000);

  it('exports CSV with proper quoting, and honours a limit', async () => {
    const res = await fetch(`${platform.urls.query}/v1/export?from=-1h&format=csv&limit=10`, { headers: { authorization: `Bearer ${org.readKey}` } });
    const rows = (await res.text()).trimEnd().split('\r\n');
    expect(rows[0]).toBe('timestamp,app,host,level,message,tags,fields,id');
    expect(rows).toHaveLength(11);
    expect(rows[8]).toContain(',"a ""quoted"", comma line",');
  });

  it('refuses a bad query before streaming anything, and never exports another tenant’s lines', async () => {
    expect((await api('GET', '/v1/export?q=app:(', org.readKey)).status).toBe(400);
    const theirs = await fetch(`${platform.urls.query}/v1/export?from=-1h`, { headers: { authorization: `Bearer ${other.readKey}` } });
    expect(await theirs.text()).toBe('');
    expect((await api('GET', '/v1/export', org.ingestKey)).status).toBe(403);
  });
});

describe('graphs and fields over HTTP', () => {
  it('answers graphs for read credentials, tenant-scoped, with clear errors', async () => {
    const h = await api('GET', '/v1/graphs/histogram?from=-1h&interval=10m', org.readKey);
    expect(h.status).toBe(200);
    expect(h.body.total.reduce((a: number, b: number) => a + b, 0)).toBe(EXPORT_LINES);
    const theirs = await api('GET', '/v1/graphs/histogram?from=-1h&interval=10m', other.readKey);
    expect(theirs.body.total.reduce((a: number, b: number) => a + b, 0)).toBe(0);
    expect((await api('GET', '/v1/graphs/histogram?from=-1h&interval=1s', org.readKey)).status).toBe(400);
    expect((await api('GET', '/v1/graphs/top?field=message', org.readKey)).status).toBe(400);
    expect((await api('GET', '/v1/graphs/stats?field=n&percentiles=50,150', org.readKey)).status).toBe(400);
    const stats = await api('GET', '/v1/graphs/stats?field=n&from=-1h&interval=30m', org.readKey);
    expect(stats.body.overall).toMatchObject({ count: EXPORT_LINES, min: 0, max: EXPORT_LINES - 1 });
    const fields = await api('GET', '/v1/fields?from=-1h&sample=50', org.readKey);
    expect(fields.body.fields.map((f: { name: string }) => f.name)).toEqual(['n']);
  });
});

describe('saved views', () => {
  it('are shared within the organisation, changed only with configuration rights, invisible to others', async () => {
    const created = await api('POST', '/v1/views', org.adminKey, { name: 'errors', query: 'level:error', from: '-15m' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'errors', query: 'level:error', from: '-15m', to: null });
    expect((await api('POST', '/v1/views', org.adminKey, { name: 'errors', query: '' })).status).toBe(409);
    expect((await api('POST', '/v1/views', org.adminKey, { name: 'bad', query: 'a:(' })).status).toBe(400);
    expect((await api('POST', '/v1/views', org.adminKey, { name: 'bad', from: 'yesterday' })).status).toBe(400);
    expect((await api('POST', '/v1/views', org.readKey, { name: 'mine' })).status).toBe(403);
    const listed = await api('GET', '/v1/views', org.readKey);
    expect(listed.body.map((v: { name: string }) => v.name)).toEqual(['errors']);
    const id = created.body.id as string;
    expect((await api('PATCH', `/v1/views/${id}`, org.adminKey, { query: 'level:warn' })).body.query).toBe('level:warn');
    expect((await api('GET', '/v1/views', other.readKey)).body).toEqual([]);
    expect((await api('GET', `/v1/views/${id}`, other.readKey)).status).toBe(404);
    expect((await api('DELETE', `/v1/views/${id}`, other.adminKey)).status).toBe(404);
    expect((await api('DELETE', `/v1/views/${id}`, org.adminKey)).status).toBe(204);
    expect((await api('GET', `/v1/views/${id}`, org.readKey)).status).toBe(404);
  });
});
