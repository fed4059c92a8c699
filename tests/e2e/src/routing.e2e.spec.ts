// Routing rules, quotas and usage end to end: rules managed through the query-api reach the
// broker-router within seconds and change what is indexed, tailed and counted.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';
import { PROFILE, REPO_ROOT, stackEnv } from './support/stack';

interface Org {
  org: string;
  ingestKey: string;
  readKey: string;
  /** Owner session token: config:manage and organisation settings. */
  owner: string;
}

let platform: Platform;
let a: Org;
let b: Org;
let nc: NatsConnection;

/** An organisation with its first owner signed in (through the auth CLI and POST /v1/sessions). */
async function orgWithOwner(prefix: string): Promise<Org> {
  const created = platform.createOrg(uniqueOrg(prefix));
  const email = `owner@${created.org}.example`;
  const password = `pw-${created.org}-0123456789`;
  const secretsFile = path.join(REPO_ROOT, '.millrace', 'services', PROFILE, 'secrets.json');
  const secrets = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>) : {};
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'apps', 'auth', 'dist', 'cli.js'), 'create-owner', '--org', created.org, '--email', email], {
    env: { ...process.env, ...stackEnv(), ...secrets, AUTH_BOOTSTRAP_OWNER_PASSWORD: password }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const session = await request<{ accessToken: string }>('POST', `${platform.urls.auth}/v1/sessions`, { body: { email, password, org: created.org } });
  if (session.status !== 201 && session.status !== 200) throw new Error(`log-in answered ${session.status}`);
  return { ...created, owner: session.body.accessToken };
}

async function ingest(o: Org, lines: object[]): Promise<void> {
  const reply = await request('POST', `${platform.urls.ingest}/logs/ingest?hostname=rules-host`, { key: o.ingestKey, body: { lines } });
  if (reply.status !== 200) throw new Error(`ingest answered ${reply.status}: ${JSON.stringify(reply.body)}`);
}

async function search(o: Org, q: string): Promise<LogEvent[]> {
  const reply = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=10000&from=-1h`, { key: o.readKey });
  if (reply.status !== 200) throw new Error(`search answered ${reply.status}`);
  return reply.body.events;
}

interface Usage {
  day: string;
  apps: Array<{ app: string; received: number; kept: number; keptBytes: number; excluded: number; sampled: number; noIndex: number; overQuota: number }>;
  totals: { received: number; kept: number; keptBytes: number; overQuota: number };
  quota: { exceeded: boolean; usedBytes: number; limitBytes: number; resetAt: number };
}

async function usage(o: Org): Promise<Usage> {
  const reply = await request<Usage>('GET', `${platform.urls.query}/v1/usage`, { key: o.readKey });
  if (reply.status !== 200) throw new Error(`usage answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const appUsage = async (o: Org, app: string) => (await usage(o)).apps.find((x) => x.app === app);

/** Collect SSE lines of a tail (messages only). */
function tailLines(o: Org, q: string): { lines: LogEvent[]; ready: Promise<void>; close(): void } {
  const lines: LogEvent[] = [];
  let buffer = '';
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const req = http.get(`${platform.urls.query}/v1/tail?${new URLSearchParams({ q, backlog: '0' })}`, { headers: { authorization: `Bearer ${o.readKey}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith('event: ready')) readyResolve();
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data && !block.includes('event: ')) lines.push(JSON.parse(data.slice(6)));
      }
    });
  });
  req.on('error', () => undefined);
  return { lines, ready, close: () => req.destroy() };
}

async function addRule(o: Org, rule: object): Promise<{ id: string }> {
  const reply = await request<{ id: string }>('POST', `${platform.urls.query}/v1/routing-rules`, { key: o.owner, body: rule });
  if (reply.status !== 201) throw new Error(`rule answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** The change notice reaches the routers at once; give it a moment. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

beforeAll(async () => {
  platform = await startPlatform();
  // Organisation settings are re-read every QUOTA_SETTINGS_TTL_MS; short here so a quota change shows quickly.
  await platform.stop('broker-router');
  await platform.start('broker-router', { QUOTA_SETTINGS_TTL_MS: '500' });
  [a, b] = await Promise.all([orgWithOwner('rules'), orgWithOwner('rulesother')]);
  nc = await connect({ servers: stackEnv().NATS_URL, name: 'e2e-quota-listener' });
});

afterAll(async () => {
  await nc?.drain().catch(() => undefined);
  await platform?.shutdown();
});

describe('routing rules API', () => {
  it('needs config:manage to change rules, validates them, and keeps every organisation’s rules to itself', async () => {
    const body = { kind: 'exclude', name: 'api-check', query: 'app:nothing-here' };
    expect((await request('POST', `${platform.urls.query}/v1/routing-rules`, { key: a.readKey, body })).status).toBe(403);
    expect((await request('POST', `${platform.urls.query}/v1/routing-rules`, { body })).status).toBe(401);
    expect((await request('POST', `${platform.urls.query}/v1/routing-rules`, { key: a.owner, body: { ...body, query: 'app:(' } })).status).toBe(400);
    expect((await request('POST', `${platform.urls.query}/v1/routing-rules`, { key: a.owner, body: { kind: 'sample', name: 'x', query: '*', rate: 1 } })).status).toBe(400);
    expect((await request('POST', `${platform.urls.query}/v1/routing-rules`, { key: a.owner, body: { kind: 'exclude', name: 'x', query: '*', rate: 5 } })).status).toBe(400);
    const rule = await addRule(a, body);
    expect((await request('POST', `${platform.urls.query}/v1/routing-rules`, { key: a.owner, body })).status).toBe(409);
    const list = await request<Array<{ id: string; action: string }>>('GET', `${platform.urls.query}/v1/routing-rules`, { key: a.readKey });
    expect(list.body.map((r) => r.id)).toContain(rule.id);
    expect(list.body.find((r) => r.id === rule.id)!.action).toBe('drop');
    // Another organisation sees nothing of it and cannot touch it.
    expect((await request<unknown[]>('GET', `${platform.urls.query}/v1/routing-rules`, { key: b.readKey })).body).toEqual([]);
    expect((await request('GET', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: b.readKey })).status).toBe(404);
    expect((await request('PATCH', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: b.owner, body: { enabled: false } })).status).toBe(404);
    expect((await request('DELETE', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: b.owner })).status).toBe(404);
    expect((await request('PATCH', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: a.owner, body: { enabled: false } })).status).toBe(200);
    expect((await request('DELETE', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: a.owner })).status).toBe(204);
  });
});

describe('rules applied by the broker-router', () => {
  it('exclusion (drop): matching lines are neither indexed nor tailed, and are counted', async () => {
    const marker = `drop${Date.now()}`;
    const rule = await addRule(a, { kind: 'exclude', name: `drop ${marker}`, query: `app:noisy "${marker} health"` });
    await settle();
    const tail = tailLines(a, marker);
    await tail.ready;
    await ingest(a, [
      { line: `${marker} health check ok`, app: 'noisy' },
      { line: `${marker} real work`, app: 'noisy' },
      { line: `${marker} health check ok`, app: 'web' },
      { line: JSON.stringify({ message: `${marker} health probe`, level: 'debug' }), app: 'noisy' },
    ]);
    const events = await eventually(async () => {
      const found = await search(a, marker);
      return found.length >= 2 ? found : undefined;
    }, 20000);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await search(a, marker)).map((e) => `${e.app} ${e.message}`).sort()).toEqual([`noisy ${marker} real work`, `web ${marker} health check ok`]);
    expect(events.length).toBe(2);
    expect(tail.lines.map((e) => e.message).sort()).toEqual([`${marker} health check ok`, `${marker} real work`]);
    tail.close();
    await eventually(async () => ((await appUsage(a, 'noisy'))?.excluded === 2 ? true : undefined), 10000);
    // Another organisation's identical lines are not touched by this organisation's rule.
    await ingest(b, [{ line: `${marker} health check ok`, app: 'noisy' }]);
    await eventually(async () => ((await search(b, marker)).length === 1 ? true : undefined), 20000);
    await request('DELETE', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: a.owner });
  });

  it('exclusion (noIndex): lines stay out of the index but still reach live tail', async () => {
    const marker = `noindex${Date.now()}`;
    const rule = await addRule(a, { kind: 'exclude', name: `noindex ${marker}`, query: 'level:debug', action: 'noIndex' });
    await settle();
    const tail = tailLines(a, marker);
    await tail.ready;
    await ingest(a, [
      { line: `${marker} debug detail`, app: 'svc', level: 'debug' },
      { line: `${marker} important`, app: 'svc', level: 'info' },
      { line: JSON.stringify({ msg: `${marker} json debug`, level: 'debug' }), app: 'svc' },
    ]);
    await eventually(async () => (tail.lines.length === 3 ? true : undefined), 10000);
    expect(tail.lines.map((e) => e.message).sort()).toEqual([`${marker} debug detail`, `${marker} important`, `${marker} json debug`]);
    await eventually(async () => ((await search(a, marker)).length >= 1 ? true : undefined), 20000);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await search(a, marker)).map((e) => e.message)).toEqual([`${marker} important`]);
    tail.close();
    await eventually(async () => ((await appUsage(a, 'svc'))?.noIndex === 2 ? true : undefined), 10000);
    await request('DELETE', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: a.owner });
  });

  it('sampling: keeps one in N of the matching lines, counts the rest, leaves other lines alone', async () => {
    const marker = `sample${Date.now()}`;
    const rule = await addRule(a, { kind: 'sample', name: `sample ${marker}`, query: 'app:chatty', rate: 10 });
    await settle();
    await ingest(a, Array.from({ length: 1000 }, (_, i) => ({ line: `${marker} ${i}`, app: i % 2 ? 'chatty' : 'calm' })));
    // One request of 1,000 lines is one batch: exactly 500 / 10 chatty lines are kept.
    const events = await eventually(async () => {
      const found = await search(a, marker);
      return found.length >= 550 ? found : undefined;
    }, 30000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(events.filter((e) => e.app === 'calm')).toHaveLength(500);
    expect(events.filter((e) => e.app === 'chatty')).toHaveLength(50);
    const u = await eventually(async () => {
      const chatty = await appUsage(a, 'chatty');
      return chatty && chatty.sampled === 450 ? chatty : undefined;
    }, 10000);
    expect(u).toMatchObject({ received: 500, kept: 50, sampled: 450 });
    await request('DELETE', `${platform.urls.query}/v1/routing-rules/${rule.id}`, { key: a.owner });
  });
});

describe('daily quota and usage', () => {
  it('counts volume by app, and over quota drops lines, counts them and broadcasts the state', async () => {
    const o = await orgWithOwner('quota');
    const states: Array<{ tenant: string; exceeded: boolean; usedBytes: number; limitBytes: number }> = [];
    const sub = nc.subscribe('usage.quota.state', {
      callback: (_e, msg) => {
        const s = JSON.parse(new TextDecoder().decode(msg.data));
        if (s.tenant === o.org) states.push(s);
      },
    });
    const marker = `quota${Date.now()}`;
    const line = (i: number) => ({ line: `${marker} ${String(i).padStart(4, '0')} ${'q'.repeat(80)}`, app: i % 2 ? 'one' : 'two' });
    await ingest(o, Array.from({ length: 20 }, (_, i) => line(i)));
    const before = await eventually(async () => {
      const u = await usage(o);
      return u.totals.kept === 20 ? u : undefined;
    }, 10000);
    const lineBytes = Buffer.byteLength(line(0).line);
    expect(before.totals.keptBytes).toBe(20 * lineBytes);
    expect(before.apps.map((x) => [x.app, x.kept]).sort()).toEqual([['one', 10], ['two', 10]]);
    expect(before.quota).toMatchObject({ exceeded: false, limitBytes: 0 });
    // A quota of 30 lines' worth: 10 more lines fit, the rest of the day's lines are dropped.
    const settings = await request('PATCH', `${platform.urls.auth}/v1/org/settings`, { key: o.owner, body: { dailyQuotaBytes: 30 * lineBytes } });
    expect(settings.status).toBe(200);
    await eventually(async () => ((await usage(o)).quota.limitBytes === 30 * lineBytes ? true : undefined), 10000);
    await ingest(o, Array.from({ length: 20 }, (_, i) => line(100 + i)));
    const after = await eventually(async () => {
      const u = await usage(o);
      return u.totals.received === 40 ? u : undefined;
    }, 10000);
    expect(after.totals).toMatchObject({ kept: 30, overQuota: 10 });
    expect(after.quota).toMatchObject({ exceeded: true, limitBytes: 30 * lineBytes, usedBytes: 30 * lineBytes });
    expect(after.quota.resetAt).toBe(Date.parse(`${after.day}T00:00:00Z`) + 86_400_000);
    await eventually(async () => (states.some((s) => s.exceeded) ? true : undefined), 10000);
    // Over-quota lines never reach the index.
    await eventually(async () => ((await search(o, marker)).length === 30 ? true : undefined), 20000);
    // Raising the quota lets lines through again, and the state is broadcast.
    await request('PATCH', `${platform.urls.auth}/v1/org/settings`, { key: o.owner, body: { dailyQuotaBytes: 0 } });
    await eventually(async () => (states.length > 0 && !states[states.length - 1].exceeded ? true : undefined), 10000);
    sub.unsubscribe();
    // Past days and bad days.
    expect((await request('GET', `${platform.urls.query}/v1/usage?day=2001-01-01`, { key: o.readKey })).body).toMatchObject({ apps: [], totals: { received: 0 } });
    expect((await request('GET', `${platform.urls.query}/v1/usage?day=yesterday`, { key: o.readKey })).status).toBe(400);
    expect((await request('GET', `${platform.urls.query}/v1/usage`, { key: o.ingestKey })).status).toBe(403);
    // usage.quota.get answers the same state.
    const reply = await nc.request('usage.quota.get', new TextEncoder().encode(JSON.stringify({ tenant: o.org })), { timeout: 3000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ tenant: o.org, exceeded: false, limitBytes: 0 });
  });
});
