import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';
import { PROFILE, REPO_ROOT, stackEnv } from './support/stack';

// Alerts end to end: the eight services as processes, a real webhook receiver (which also plays
// Slack and PagerDuty) and a real SMTP server, all on 127.0.0.1.

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  at: number;
}

class Receiver {
  readonly hits: Hit[] = [];
  private server?: http.Server;
  port = 0;

  async start(port = this.port): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body);
        } catch {
          /* not JSON */
        }
        this.hits.push({ path: req.url ?? '', headers: req.headers, body, json, at: Date.now() });
        res.writeHead(req.url?.startsWith('/pd/') ? 202 : 200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(p: string): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  on(p: string, event?: string): Hit[] {
    return this.hits.filter((h) => h.path === p && (!event || h.headers['x-millrace-event'] === event));
  }
}

interface Org {
  org: string;
  ingestKey: string;
  readKey: string;
  /** logs:read + config:manage. */
  configKey: string;
}

let platform: Platform;
let receiver: Receiver;
let smtp: SMTPServer;
let smtpPort: number;
const mails: Array<{ to: string[]; data: string }> = [];
let a: Org;
let b: Org;

const ALERTER_ENV = (): Record<string, string> => ({
  PAGERDUTY_EVENTS_URL: receiver.url('/pd/v2/enqueue'),
  NOTIFY_RETRY_BACKOFF_MS: '300,600,1000',
  NOTIFY_MAX_ATTEMPTS: '4',
  NOTIFY_LEASE_MS: '3000',
  ALERTER_TICK_MS: '200',
  ALERT_WINDOW_GRACE_MS: '1000',
  THRESHOLD_QUERY_DELAY_MS: '1500',
});

/** An organisation with its ingestion and read keys, and a service key allowed to configure alerts. */
async function organisation(prefix: string): Promise<Org> {
  const created = platform.createOrg(uniqueOrg(prefix));
  const dir = mkdtempSync(path.join(tmpdir(), 'alerts-e2e-'));
  const password = `e2e password ${Date.now()}`;
  const email = `owner@${created.org}.test`;
  try {
    writeFileSync(path.join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
    const secretsFile = path.join(REPO_ROOT, '.millrace', 'services', PROFILE, 'secrets.json');
    const secrets = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')) : {};
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'apps', 'auth', 'dist', 'cli.js'), 'create-owner', '--org', created.org, '--email', email, '--password-file', path.join(dir, 'pw')], {
      env: { ...process.env, ...stackEnv(), ...secrets }, stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const session = await request<{ accessToken: string }>('POST', `${platform.urls.auth}/v1/sessions`, { body: { email, password, org: created.org } });
  if (session.status !== 201 && session.status !== 200) throw new Error(`log-in answered ${session.status}: ${JSON.stringify(session.body)}`);
  const key = await request<{ secret: string }>('POST', `${platform.urls.auth}/v1/keys`, { key: session.body.accessToken, body: { name: 'alerts-e2e', kind: 'service', scopes: ['logs:read', 'config:manage'] } });
  if (key.status !== 201) throw new Error(`creating a key answered ${key.status}: ${JSON.stringify(key.body)}`);
  return { ...created, configKey: key.body.secret };
}

async function ingest(org: Org, lines: object[]): Promise<void> {
  const reply = await request('POST', `${platform.urls.ingest}/logs/ingest?hostname=e2e-host`, { key: org.ingestKey, body: { lines } });
  if (reply.status !== 200) throw new Error(`ingest answered ${reply.status}: ${JSON.stringify(reply.body)}`);
}

const api = (method: string, p: string, key: string, body?: unknown) => request<Record<string, unknown>>(method, `${platform.urls.query}/v1/alerts${p}`, { key, body });

async function createAlert(org: Org, body: object): Promise<string> {
  const reply = await api('POST', '', org.configKey, body);
  if (reply.status !== 201) throw new Error(`creating an alert answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  // The alerter learns of it through the configuration feed within moments.
  await new Promise((r) => setTimeout(r, 700));
  return reply.body.id as string;
}

interface History {
  evaluations: Array<{ outcome: string; group: string; count: number | null; value: number | null }>;
  notifications: Array<{ event: string; status: string; reason: string | null; attempts: number; lastError: string | null; channel: { type: string } | null }>;
}
async function history(org: Org, id: string): Promise<History> {
  const reply = await api('GET', `/${id}/history`, org.configKey);
  if (reply.status !== 200) throw new Error(`history answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body as unknown as History;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const webhook = (p: string) => ({ type: 'webhook', url: receiver.url(p) });

beforeAll(async () => {
  receiver = await new Receiver().start();
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'], allowInsecureAuth: true, authOptional: false, logger: false,
    onAuth: (auth, _s, cb) => (auth.password === 'smtp-pass' ? cb(null, { user: auth.username }) : cb(new Error('bad credentials'))),
    onData: (stream, session, cb) => {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  platform = await startPlatform();
  await platform.stop('alerter');
  await platform.start('alerter', ALERTER_ENV());
  [a, b] = await Promise.all([organisation('alerta'), organisation('alertb')]);
}, 300_000);

afterAll(async () => {
  await platform?.shutdown();
  await receiver?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

describe('alerts', () => {
  it('presence fires at the Nth line on every channel within seconds, and resolves', async () => {
    const marker = `pres${Date.now()}`;
    const id = await createAlert(a, {
      name: `presence ${marker}`, kind: 'presence', query: `${marker} level:error`, count: 3, windowSeconds: 6,
      channels: [
        { ...webhook('/presence'), bodyTemplate: '{"alert":"{{alert.name}}","event":"{{event}}","count":{{count}} ,"first":"{{samples.0.message}}","link":"{{link}}"}' },
        { type: 'slack', url: receiver.url('/slack') },
        { type: 'pagerduty', routingKey: 'e2e-routing-key', severity: 'critical' },
        { type: 'email', to: ['oncall@example.com'], smtp: { host: '127.0.0.1', port: smtpPort, requireTLS: false, username: 'alerts', password: 'smtp-pass' } },
      ],
    });
    await ingest(a, [
      { line: `${marker} first failure`, app: 'checkout', level: 'error' },
      { line: `${marker} second failure`, app: 'checkout', level: 'error' },
      { line: `${marker} all fine`, app: 'checkout', level: 'info' },
      { line: 'unrelated error', app: 'checkout', level: 'error' },
    ]);
    await sleep(2500);
    expect(receiver.on('/presence')).toHaveLength(0);
    const third = Date.now();
    await ingest(a, [{ line: `${marker} third failure`, app: 'checkout', level: 'error' }]);
    const [fired] = await eventually(async () => (receiver.on('/presence', 'firing').length ? receiver.on('/presence', 'firing') : undefined), 15_000);
    expect(fired.at - third).toBeLessThan(5000);
    expect(fired.json).toMatchObject({ alert: `presence ${marker}`, event: 'firing', count: 3, first: `${marker} first failure` });
    expect(String(fired.json.link)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/search\\?q=`));
    const slack = await eventually(async () => receiver.on('/slack')[0]);
    expect(String(slack.json.text)).toContain(`*presence ${marker}* is firing`);
    const trigger = await eventually(async () => receiver.on('/pd/v2/enqueue').find((h) => h.json.event_action === 'trigger' && JSON.stringify(h.json).includes(marker)));
    expect(trigger.json).toMatchObject({ routing_key: 'e2e-routing-key', payload: { severity: 'critical' } });
    const mail = await eventually(async () => mails.find((m) => m.data.includes(`presence ${marker}`)));
    expect(mail.to).toEqual(['oncall@example.com']);

    // Nothing more arrives: the next window closes below the count and resolves, on every channel.
    const resolved = await eventually(async () => receiver.on('/presence', 'resolved')[0], 25_000);
    expect(resolved.json.event).toBe('resolved');
    const resolve = await eventually(async () => receiver.on('/pd/v2/enqueue').find((h) => h.json.event_action === 'resolve' && h.json.dedup_key === trigger.json.dedup_key));
    expect(resolve.json).toEqual({ routing_key: 'e2e-routing-key', event_action: 'resolve', dedup_key: trigger.json.dedup_key });
    expect(receiver.on('/presence', 'firing')).toHaveLength(1);
    // Four firing and four resolve notifications, all sent (the last mail may still be on its way).
    const h = await eventually(async () => {
      const found = await history(a, id);
      return found.notifications.filter((n) => n.status === 'sent').length === 8 ? found : undefined;
    });
    expect(h.evaluations.map((e) => `${e.outcome}:${e.count}`)).toEqual(['resolved:0', 'fired:3']);
    expect(h.notifications).toHaveLength(8);
  });

  it('groups by a field and, at the end of the window, fires once per group that reached the count', async () => {
    const marker = `grp${Date.now()}`;
    await createAlert(a, { name: `groups ${marker}`, kind: 'presence', query: marker, count: 2, windowSeconds: 4, trigger: 'window_end', groupBy: 'app', channels: [webhook('/groups')] });
    await ingest(a, [
      ...['a', 'a', 'b', 'b', 'b', 'c'].map((app, i) => ({ line: `${marker} line ${i}`, app: `svc-${app}` })),
    ]);
    await sleep(2000);
    expect(receiver.on('/groups')).toHaveLength(0);
    await eventually(async () => (receiver.on('/groups', 'firing').length >= 2 ? true : undefined), 15_000);
    await sleep(1500);
    const fired = receiver.on('/groups', 'firing').map((h) => `${h.json.group}:${h.json.count}`).sort();
    expect(fired).toEqual(['svc-a:2', 'svc-b:3']);
  });

  it('throttles: at most one notification per alert per period, the suppressed one in the history', async () => {
    const marker = `thr${Date.now()}`;
    const id = await createAlert(a, { name: `throttle ${marker}`, kind: 'presence', query: marker, count: 1, windowSeconds: 2, throttleSeconds: 300, channels: [webhook('/throttle')] });
    await ingest(a, [{ line: `${marker} one`, app: 'x' }]);
    await eventually(async () => receiver.on('/throttle', 'resolved')[0], 20_000);
    await ingest(a, [{ line: `${marker} two`, app: 'x' }]);
    // Both firings are recorded; the second one's notification is held back by the throttle.
    const h = await eventually(async () => {
      const found = await history(a, id);
      const fired = found.evaluations.filter((e) => e.outcome === 'fired').length;
      return found.notifications.some((n) => n.reason === 'throttled') && fired >= 2 ? found : undefined;
    }, 15_000);
    expect(h.evaluations.filter((e) => e.outcome === 'fired')).toHaveLength(2);
    await sleep(1000);
    expect(receiver.on('/throttle', 'firing')).toHaveLength(1);
    expect(receiver.on('/throttle', 'resolved')).toHaveLength(1);
  });

  it('absence fires when a heartbeat stops, and resolves when it comes back', async () => {
    const marker = `hb${Date.now()}`;
    const id = await createAlert(a, { name: `heartbeat ${marker}`, kind: 'absence', query: `${marker} app:cron`, count: 1, windowSeconds: 4, channels: [webhook('/absence')] });
    for (let i = 0; i < 6; i++) {
      await ingest(a, [{ line: `${marker} beat ${i}`, app: 'cron' }]);
      await sleep(1000);
    }
    expect(receiver.on('/absence')).toHaveLength(0);
    const stopped = Date.now();
    const fired = await eventually(async () => receiver.on('/absence', 'firing')[0], 20_000);
    expect(fired.at - stopped).toBeLessThan(12_000);
    expect(JSON.parse(fired.body)).toMatchObject({ count: 0, threshold: 1 });
    await ingest(a, [{ line: `${marker} beat again`, app: 'cron' }]);
    await eventually(async () => receiver.on('/absence', 'resolved')[0], 10_000);
    expect(receiver.on('/absence', 'firing')).toHaveLength(1);
    expect((await history(a, id)).evaluations.map((e) => e.outcome)).toEqual(['resolved', 'fired']);
  });

  it('threshold: p95 of latency_ms by app above 500 fires for the slow app only, resolves, and the dry run agrees', async () => {
    const marker = `lat${Date.now()}`;
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => ({ line: JSON.stringify({ message: `${marker} request ${i}`, latency_ms: 900 + i }), app: 'api' })),
      ...Array.from({ length: 10 }, (_, i) => ({ line: JSON.stringify({ message: `${marker} request ${i}`, latency_ms: 100 + i }), app: 'web' })),
    ];
    await ingest(a, lines);
    const id = await createAlert(a, {
      name: `latency ${marker}`, kind: 'threshold', query: marker, aggregation: 'p95', field: 'latency_ms', groupBy: 'app',
      comparator: '>', value: 500, windowSeconds: 12, everySeconds: 1, channels: [webhook('/threshold')],
    });
    const fired = await eventually(async () => receiver.on('/threshold', 'firing')[0], 20_000);
    expect(fired.json).toMatchObject({ group: 'api', aggregation: 'p95', comparator: '>', threshold: 500 });
    expect(Number(fired.json.value)).toBeGreaterThan(900);
    const resolved = await eventually(async () => receiver.on('/threshold', 'resolved')[0], 30_000);
    expect(resolved.json.group).toBe('api');
    expect(receiver.on('/threshold', 'firing')).toHaveLength(1);

    const dry = await api('POST', `/${id}/test?from=-2m`, a.readKey);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ wouldFire: true });
    expect((dry.body.transitions as Array<{ group: string; event: string }>).filter((t) => t.event === 'firing').map((t) => t.group)).toEqual(['api']);
    const draft = await request<Record<string, unknown>>('POST', `${platform.urls.query}/v1/alerts/test?from=-2m`, { key: a.readKey, body: { name: 'draft', kind: 'presence', query: marker, count: 15, windowSeconds: 60 } });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ wouldFire: true, peak: 20 });
  });

  it('a receiver that is down gets the notification once it is back; a final failure is visible', async () => {
    const marker = `down${Date.now()}`;
    const later = await new Receiver().start();
    const port = later.port;
    await later.stop();
    const id = await createAlert(a, { name: `down ${marker}`, kind: 'presence', query: marker, count: 1, windowSeconds: 30, channels: [{ type: 'webhook', url: `http://127.0.0.1:${port}/late` }] });
    const dead = await createAlert(a, { name: `dead ${marker}`, kind: 'presence', query: marker, count: 1, windowSeconds: 30, channels: [{ type: 'webhook', url: 'http://127.0.0.1:1/never' }] });
    await ingest(a, [{ line: `${marker} something broke`, app: 'x' }]);
    // The notification that is waiting for a retry carries the reason of its last attempt.
    const pending = await eventually(async () => {
      const h = await history(a, id);
      return h.notifications.find((n) => n.status === 'pending' && n.attempts >= 1 && n.lastError);
    }, 15_000);
    expect(pending.lastError).toMatch(/ECONNREFUSED/);
    await later.start(port);
    try {
      await eventually(async () => later.on('/late')[0], 15_000);
      const sent = await eventually(async () => (await history(a, id)).notifications.find((n) => n.status === 'sent'));
      expect(sent.attempts).toBeGreaterThanOrEqual(2);
      await sleep(1500);
      expect(later.on('/late')).toHaveLength(1);
    } finally {
      await later.stop();
    }
    const failed = await eventually(async () => (await history(a, dead)).notifications.find((n) => n.status === 'failed'), 20_000);
    expect(failed).toMatchObject({ attempts: 4, lastError: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('keeps tenants apart: another organisation can neither see, change, test nor trigger an alert', async () => {
    const marker = `ten${Date.now()}`;
    const id = await createAlert(a, { name: `tenancy ${marker}`, kind: 'presence', query: marker, count: 1, windowSeconds: 5, channels: [webhook('/tenancy')] });
    for (const [method, p] of [['GET', `/${id}`], ['PATCH', `/${id}`], ['DELETE', `/${id}`], ['POST', `/${id}/disable`], ['POST', `/${id}/test`], ['GET', `/${id}/history`]] as const) {
      expect((await api(method, p, b.configKey, method === 'PATCH' ? { name: 'stolen' } : undefined)).status).toBe(404);
    }
    const listed = await api('GET', '', b.configKey);
    expect(listed.body.alerts).toEqual([]);
    await ingest(b, [{ line: `${marker} from the other tenant`, app: 'x' }]);
    await sleep(3000);
    expect(receiver.on('/tenancy')).toHaveLength(0);
    // A read-only key cannot configure; the alert's secrets are never shown.
    expect((await api('POST', '', a.readKey, { name: 'x', kind: 'presence', query: 'x', windowSeconds: 5 })).status).toBe(403);
    const shown = await api('GET', `/${id}`, a.readKey);
    expect(JSON.stringify(shown.body)).not.toContain(`/tenancy`);
    await ingest(a, [{ line: `${marker} from its own tenant`, app: 'x' }]);
    await eventually(async () => receiver.on('/tenancy', 'firing')[0], 15_000);
  });

  it('an alerter restart in the middle of a window neither loses nor duplicates', async () => {
    const marker = `rst${Date.now()}`;
    const id = await createAlert(a, { name: `restart ${marker}`, kind: 'presence', query: marker, count: 10, windowSeconds: 20, trigger: 'window_end', channels: [webhook('/restart')] });
    await ingest(a, Array.from({ length: 6 }, (_, i) => ({ line: `${marker} before ${i}`, app: 'x' })));
    await sleep(2000);
    await platform.stop('alerter', 'SIGKILL');
    await ingest(a, Array.from({ length: 4 }, (_, i) => ({ line: `${marker} during ${i}`, app: 'x' })));
    await platform.start('alerter', ALERTER_ENV());
    const fired = await eventually(async () => receiver.on('/restart', 'firing')[0], 40_000);
    expect(fired.json.count).toBe(10);
    await sleep(3000);
    expect(receiver.on('/restart', 'firing')).toHaveLength(1);
    expect((await history(a, id)).evaluations.filter((e) => e.outcome === 'fired').map((e) => e.count)).toEqual([10]);
  });

  it('a crash after sending and before marking sends again with the same idempotency key (at least once)', async () => {
    const marker = `crash${Date.now()}`;
    await platform.stop('alerter');
    await platform.start('alerter', { ...ALERTER_ENV(), ALERTER_FAULT_EXIT_AFTER_SEND: 'true' });
    const id = await createAlert(a, { name: `crash ${marker}`, kind: 'presence', query: marker, count: 1, windowSeconds: 30, channels: [webhook('/crash')] });
    await ingest(a, [{ line: `${marker} boom`, app: 'x' }]);
    await eventually(async () => receiver.on('/crash')[0], 15_000);
    await eventually(async () => (platform.isRunning('alerter') ? undefined : true), 15_000);
    await platform.start('alerter', ALERTER_ENV());
    await eventually(async () => (receiver.on('/crash').length >= 2 ? true : undefined), 20_000);
    const keys = receiver.on('/crash').map((h) => h.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(1);
    const h = await eventually(async () => {
      const found = await history(a, id);
      return found.notifications.every((n) => n.status === 'sent') ? found : undefined;
    });
    expect(h.notifications).toHaveLength(1);
    expect(h.notifications[0].attempts).toBe(2);
  });
});
