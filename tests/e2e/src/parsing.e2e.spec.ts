import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';

let platform: Platform;
let org: OrgKeys;
let other: OrgKeys;

async function search(keys: OrgKeys, q: string): Promise<LogEvent[]> {
  const reply = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=100&from=-1h`, { key: keys.readKey });
  if (reply.status !== 200) throw new Error(`search answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.events;
}

async function ingest(keys: OrgKeys, lines: object[]): Promise<void> {
  const reply = await request('POST', `${platform.urls.ingest}/logs/ingest?hostname=parse-host`, { key: keys.ingestKey, body: { lines } });
  expect(reply.status).toBe(200);
}

const api = (method: string, path: string, key: string, body?: unknown) => request<any>(method, `${platform.urls.query}${path}`, { key, body }); // eslint-disable-line @typescript-eslint/no-explicit-any

const checkoutRule = {
  name: 'checkout timings',
  app: 'checkout-*',
  pattern: { kind: 'grok', source: '%{WORD:method} %{URIPATH:path} took %{NUMBER:duration_ms}ms' },
  fieldTypes: { duration_ms: 'number' },
};

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('parse'));
  other = platform.createOrg(uniqueOrg('parseb'));
});
afterAll(() => platform?.shutdown());

describe('tenant parsing rules', () => {
  it('a rule created through the API changes how the next lines are parsed and searched', async () => {
    const marker = `rule${Date.now()}`;
    // Before the rule: the line stays text.
    await ingest(org, [{ line: `GET /cart took 12.5ms ${marker}a`, app: 'checkout-web' }]);
    const [before] = await eventually(async () => {
      const found = await search(org, `${marker}a`);
      return found.length ? found : undefined;
    });
    expect(before.fields.duration_ms).toBeUndefined();

    const created = await api('POST', '/v1/parsing-rules', org.adminKey, checkoutRule);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'checkout timings', app: 'checkout-*', enabled: true });

    // Within seconds, new lines of matching apps are parsed by it; other apps are not.
    const parsed = await eventually(async () => {
      const m = `${marker}${Date.now()}`;
      await ingest(org, [{ line: `GET /cart took 250ms ${m}`, app: 'checkout-web' }]);
      const [event] = await eventually(async () => {
        const found = await search(org, m);
        return found.length ? found : undefined;
      });
      return event.fields.duration_ms === 250 ? event : undefined;
    }, 20000, 500);
    expect(parsed.fields).toMatchObject({ method: 'GET', path: '/cart', duration_ms: 250 });
    expect((await search(org, 'app:checkout-web duration_ms:>=100')).map((e) => e.fields.duration_ms)).toEqual([250]);

    await ingest(org, [{ line: `GET /cart took 99ms ${marker}other`, app: 'billing' }]);
    const [untouched] = await eventually(async () => {
      const found = await search(org, `${marker}other`);
      return found.length ? found : undefined;
    });
    expect(untouched.fields.duration_ms).toBeUndefined();
  });

  it('dry-runs a rule on sample lines without saving it', async () => {
    const reply = await api('POST', '/v1/parsing-rules/dry-run', org.readKey, {
      rule: { ...checkoutRule, name: 'trial' },
      lines: [{ line: 'POST /pay took 7ms', app: 'checkout-api' }, { line: 'nothing to see', app: 'checkout-api' }, 'GET /x took 1ms'],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.matched).toBe(1);
    expect(reply.body.events[0].fields).toMatchObject({ method: 'POST', path: '/pay', duration_ms: 7 });
    expect(reply.body.events[1].message).toBe('nothing to see');
    // No app: the rule's app glob does not match, so the line is only auto-parsed.
    expect(reply.body.events[2].fields.duration_ms).toBeUndefined();
    expect((await api('GET', '/v1/parsing-rules', org.readKey)).body.map((r: { name: string }) => r.name)).not.toContain('trial');
  });

  it('refuses rules that cannot work, naming the problem', async () => {
    const badGrok = await api('POST', '/v1/parsing-rules', org.adminKey, { ...checkoutRule, name: 'bad', pattern: { kind: 'grok', source: '%{NOSUCHPATTERN:x}' } });
    expect(badGrok.status).toBe(400);
    expect(badGrok.body.error.message).toMatch(/NOSUCHPATTERN/);
    const badRegex = await api('POST', '/v1/parsing-rules', org.adminKey, { ...checkoutRule, name: 'bad2', pattern: { kind: 'regex', source: '(?<x>[a-' } });
    expect(badRegex.status).toBe(400);
    const badQuery = await api('POST', '/v1/parsing-rules', org.adminKey, { ...checkoutRule, name: 'bad3', query: 'app:(' });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.message).toMatch(/query: .*position/);
    const unknownField = await api('POST', '/v1/parsing-rules', org.adminKey, { ...checkoutRule, name: 'bad4', colour: 'red' });
    expect(unknownField.status).toBe(400);
  });

  it('lets only configuration credentials change rules, and never across organisations', async () => {
    expect((await api('POST', '/v1/parsing-rules', org.readKey, { ...checkoutRule, name: 'viewer' })).status).toBe(403);
    expect((await api('POST', '/v1/parsing-rules', org.ingestKey, { ...checkoutRule, name: 'ingest' })).status).toBe(403);
    const mine = (await api('GET', '/v1/parsing-rules', org.readKey)).body as Array<{ id: string }>;
    expect(mine.length).toBeGreaterThan(0);
    expect((await api('GET', '/v1/parsing-rules', other.readKey)).body).toEqual([]);
    expect((await api('GET', `/v1/parsing-rules/${mine[0].id}`, other.readKey)).status).toBe(404);
    expect((await api('PATCH', `/v1/parsing-rules/${mine[0].id}`, other.adminKey, { enabled: false })).status).toBe(404);
    expect((await api('DELETE', `/v1/parsing-rules/${mine[0].id}`, other.adminKey)).status).toBe(404);
    expect((await api('GET', `/v1/parsing-rules/${mine[0].id}`, org.readKey)).status).toBe(200);
  });
});

describe('redaction', () => {
  it('redacts e-mail addresses and card numbers by default, visibly, before storage; tenants can change it', async () => {
    const marker = `pii${Date.now()}`;
    await ingest(org, [{ line: `${marker} user bob@example.com paid with 4111 1111 1111 1111 not 4111 1111 1111 1112`, app: 'shop' }]);
    const [event] = await eventually(async () => {
      const found = await search(org, marker);
      return found.length ? found : undefined;
    });
    expect(event.message).toBe(`${marker} user [REDACTED:email] paid with [REDACTED:credit_card] not 4111 1111 1111 1112`);
    expect(event.fields.redacted).toEqual(['credit_card', 'email']);
    expect(await search(org, '"bob@example.com"')).toEqual([]);

    const set = await api('PUT', '/v1/redaction', org.adminKey, { email: false, creditCard: true, custom: [{ name: 'ticket', pattern: 'TCK-[0-9]{4}' }] });
    expect(set.status).toBe(200);
    const after = await eventually(async () => {
      const m = `${marker}b${Date.now()}`;
      await ingest(org, [{ line: `${m} alice@example.com TCK-1234`, app: 'shop' }]);
      const [e] = await eventually(async () => {
        const found = await search(org, m);
        return found.length ? found : undefined;
      });
      return e.message.includes('alice@example.com') ? e : undefined;
    }, 20000, 500);
    expect(after.message).toMatch(/alice@example\.com \[REDACTED:ticket\]$/);
    // Another organisation keeps the defaults.
    expect((await api('GET', '/v1/redaction', other.readKey)).body).toMatchObject({ email: true, creditCard: true, default: true });
  });

  it('refuses a custom pattern the parser cannot run', async () => {
    const reply = await api('PUT', '/v1/redaction', org.adminKey, { email: true, creditCard: true, custom: [{ name: 'bad', pattern: '(a' }] });
    expect(reply.status).toBe(400);
  });
});
