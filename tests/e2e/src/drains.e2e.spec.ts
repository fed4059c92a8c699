// Drains end to end: the broker-router pushes a tenant's lines to a real HTTP receiver (Logplex
// frames and JSON) and a real rsyslog (TCP and TLS, RFC 5424 with octet counting), survives a
// receiver that is down for a while, and reports what it had to drop.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { LogEvent } from '@millrace/log-schema';
import { ensureLogger, ensureRsyslog, freePort, runRsyslog, selfSignedCert, type Daemon } from './support/clients';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';
import { PROFILE, REPO_ROOT, stackEnv } from './support/stack';

interface Org {
  org: string;
  ingestKey: string;
  readKey: string;
  owner: string;
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP drain endpoint on 127.0.0.1 that records every request; it can go down and come back, or hang. */
class Receiver {
  readonly requests: Received[] = [];
  hang = false;
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        if (this.hang) return; // never answers
        this.requests.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
    this.server = undefined;
  }

  logplexMessages(): string[] {
    const out: string[] = [];
    for (const r of this.requests.filter((x) => x.headers['content-type'] === 'application/logplex-1')) {
      const buf = Buffer.from(r.body, 'utf8');
      let pos = 0;
      while (pos < buf.length) {
        const space = buf.indexOf(0x20, pos);
        const len = Number(buf.toString('latin1', pos, space));
        out.push(buf.toString('utf8', space + 1, space + 1 + len));
        pos = space + 1 + len;
      }
    }
    return out;
  }

  jsonLines(): Array<{ line: string; app: string; host: string; level?: string; ts: string }> {
    return this.requests.filter((x) => x.headers['content-type'] === 'application/json').flatMap((r) => JSON.parse(r.body));
  }
}

let platform: Platform;
let a: Org;
let b: Org;
let rsyslog: Daemon;
let tcpPort: number;
let tlsPort: number;
const receivers: Receiver[] = [];

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
  return { ...created, owner: session.body.accessToken };
}

async function receiver(): Promise<Receiver> {
  const r = new Receiver(await freePort());
  await r.start();
  receivers.push(r);
  return r;
}

async function ingest(o: Org, lines: object[]): Promise<void> {
  const reply = await request('POST', `${platform.urls.ingest}/logs/ingest?hostname=drain-host`, { key: o.ingestKey, body: { lines } });
  if (reply.status !== 200) throw new Error(`ingest answered ${reply.status}`);
}

interface DrainView {
  id: string;
  url: string;
  transport: string;
  format: string | null;
  status: { delivered: number; failed: number; dropped: number; buffered: number; lastError: string | null; lastSuccessAt: string | null; lastErrorAt: string | null } | null;
}

async function addDrain(o: Org, body: object): Promise<DrainView> {
  const reply = await request<DrainView>('POST', `${platform.urls.query}/v1/drains`, { key: o.owner, body });
  if (reply.status !== 201) throw new Error(`drain answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  // The change notice reaches the routers at once; give them a moment to start delivering.
  await new Promise((r) => setTimeout(r, 1500));
  return reply.body;
}

async function drain(o: Org, id: string): Promise<DrainView> {
  return (await request<DrainView>('GET', `${platform.urls.query}/v1/drains/${id}`, { key: o.readKey })).body;
}

async function search(o: Org, q: string): Promise<LogEvent[]> {
  return (await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=10000&from=-1h`, { key: o.readKey })).body.events;
}

beforeAll(async () => {
  ensureRsyslog();
  ensureLogger();
  const cert = selfSignedCert();
  [tcpPort, tlsPort] = [await freePort(), await freePort()];
  rsyslog = runRsyslog(`
global(DefaultNetstreamDriverCAFile="${cert.cert}" DefaultNetstreamDriverCertFile="${cert.cert}" DefaultNetstreamDriverKeyFile="${cert.key}")
module(load="imtcp")
template(name="line" type="string" string="%APP-NAME%|%HOSTNAME%|%syslogseverity-text%|%msg%\\n")
input(type="imtcp" port="${tcpPort}" address="127.0.0.1" ruleset="plain")
input(type="imtcp" port="${tlsPort}" address="127.0.0.1" ruleset="tls" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
ruleset(name="plain") { action(type="omfile" file="RSDIR/tcp.log" template="line" flushInterval="0" asyncWriting="off") }
ruleset(name="tls") { action(type="omfile" file="RSDIR/tls.log" template="line" flushInterval="0" asyncWriting="off") }
`.replace(/RSDIR/g, `/tmp/millrace-drain-rsyslog-${process.pid}`));
  platform = await startPlatform();
  // The router trusts the test certificate, delivers with short timeouts and a small buffer.
  await platform.stop('broker-router');
  await platform.start('broker-router', {
    NODE_EXTRA_CA_CERTS: cert.cert, DRAIN_BUFFER_LINES: '1500', DRAIN_TIMEOUT_MS: '1500', DRAIN_BACKOFF_MAX_MS: '1000', DRAIN_ERROR_REPORT_MS: '1000',
  });
  [a, b] = await Promise.all([orgWithOwner('drains'), orgWithOwner('drainsother')]);
});

afterAll(async () => {
  for (const r of receivers) await r.stop().catch(() => undefined);
  await rsyslog?.stop();
  await platform?.shutdown();
});

describe('drains API', () => {
  it('validates targets, needs config:manage, masks credentials and keeps drains to their organisation', async () => {
    const bad = async (url: string) => (await request('POST', `${platform.urls.query}/v1/drains`, { key: a.owner, body: { name: `bad ${url}`, url } })).status;
    expect(await bad('ftp://logs.example.com/x')).toBe(400);
    expect(await bad('syslog+tls://logs.example.com')).toBe(400);
    expect(await bad('not a url')).toBe(400);
    expect((await request('POST', `${platform.urls.query}/v1/drains`, { key: a.owner, body: { name: 'syslog json', url: 'syslog+tcp://logs.example.com:514', format: 'json' } })).status).toBe(400);
    expect((await request('POST', `${platform.urls.query}/v1/drains`, { key: a.owner, body: { name: 'bad query', url: 'https://logs.example.com', query: 'app:(' } })).status).toBe(400);
    expect((await request('POST', `${platform.urls.query}/v1/drains`, { key: a.readKey, body: { name: 'x', url: 'https://logs.example.com' } })).status).toBe(403);
    const created = await request<DrainView>('POST', `${platform.urls.query}/v1/drains`, {
      key: a.owner, body: { name: 'masked', url: 'https://token:s3cr3t@logs.example.com/in?api_key=abc123', enabled: false },
    });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe('https://****:****@logs.example.com/in?api_key=****');
    expect(JSON.stringify(created.body)).not.toMatch(/s3cr3t|abc123/);
    const listed = await request<DrainView[]>('GET', `${platform.urls.query}/v1/drains`, { key: a.readKey });
    expect(JSON.stringify(listed.body)).not.toMatch(/s3cr3t|abc123/);
    // Sending the masked URL back keeps the stored secret.
    const renamed = await request<DrainView>('PATCH', `${platform.urls.query}/v1/drains/${created.body.id}`, { key: a.owner, body: { name: 'masked 2', url: created.body.url } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.url).toBe(created.body.url);
    expect((await request('GET', `${platform.urls.query}/v1/drains/${created.body.id}`, { key: b.readKey })).status).toBe(404);
    expect((await request('DELETE', `${platform.urls.query}/v1/drains/${created.body.id}`, { key: b.owner })).status).toBe(404);
    expect((await request<DrainView[]>('GET', `${platform.urls.query}/v1/drains`, { key: b.readKey })).body).toEqual([]);
    expect((await request('DELETE', `${platform.urls.query}/v1/drains/${created.body.id}`, { key: a.owner })).status).toBe(204);
  });
});

describe('drain delivery', () => {
  it('delivers to HTTP endpoints as Logplex frames (filtered, with Basic auth) and as JSON, and only the organisation’s own lines', async () => {
    const r = await receiver();
    const marker = `http${Date.now()}`;
    const logplex = await addDrain(a, { name: `logplex ${marker}`, url: `http://drain:pa%24%24@127.0.0.1:${r.port}/logs?token=t0k`, query: `${marker} level:error` });
    const json = await addDrain(a, { name: `json ${marker}`, url: `http://127.0.0.1:${r.port}/json`, format: 'json', query: marker });
    expect(logplex).toMatchObject({ transport: 'http', format: 'logplex', url: `http://****:****@127.0.0.1:${r.port}/logs?token=****` });
    await ingest(b, [{ line: `${marker} other tenant`, app: 'web', level: 'error' }]);
    await ingest(a, [
      { line: `${marker} boom`, app: 'web', level: 'error', timestamp: Date.UTC(2024, 0, 1) },
      { line: `${marker} fine`, app: 'web', level: 'info' },
      { line: `${marker} multi\nline error`, app: 'worker', level: 'error' },
    ]);
    await eventually(async () => (r.logplexMessages().length === 2 && r.jsonLines().length === 3 ? true : undefined), 15000);
    const frames = r.logplexMessages();
    expect(frames[0]).toBe(`<11>1 2024-01-01T00:00:00.000Z drain-host web - - ${marker} boom\n`);
    expect(frames[1]).toMatch(new RegExp(`^<11>1 \\S+ drain-host worker - - ${marker} multi\\nline error\\n$`));
    const request0 = r.requests.find((x) => x.headers['content-type'] === 'application/logplex-1')!;
    expect(request0.headers.authorization).toBe(`Basic ${Buffer.from('drain:pa$$').toString('base64')}`);
    expect(request0.headers['logplex-msg-count']).toBe('2');
    expect(request0.headers['logplex-frame-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.jsonLines().map((l) => [l.app, l.host, l.level, l.line])).toEqual([
      ['web', 'drain-host', 'error', `${marker} boom`], ['web', 'drain-host', 'info', `${marker} fine`], ['worker', 'drain-host', 'error', `${marker} multi\nline error`],
    ]);
    expect(JSON.stringify(r.requests)).not.toContain('other tenant');
    const status = await eventually(async () => {
      const d = await drain(a, logplex.id);
      return d.status && d.status.delivered === 2 ? d : undefined;
    }, 10000);
    expect(status.status).toMatchObject({ delivered: 2, failed: 0, dropped: 0 });
    expect(status.status!.lastSuccessAt).not.toBeNull();
    await request('DELETE', `${platform.urls.query}/v1/drains/${logplex.id}`, { key: a.owner });
    await request('DELETE', `${platform.urls.query}/v1/drains/${json.id}`, { key: a.owner });
  });

  it('delivers to rsyslog over TCP and TLS as RFC 5424 with octet counting', async () => {
    const marker = `syslog${Date.now()}`;
    const tcp = await addDrain(a, { name: `tcp ${marker}`, url: `syslog+tcp://127.0.0.1:${tcpPort}`, query: marker });
    const tls = await addDrain(a, { name: `tls ${marker}`, url: `syslog+tls://127.0.0.1:${tlsPort}`, query: marker });
    expect([tcp.transport, tls.transport, tcp.format]).toEqual(['syslog+tcp', 'syslog+tls', null]);
    await ingest(a, [
      { line: `${marker} disk almost full`, app: 'db', level: 'warn' },
      { line: `${marker} ünïcode ✓ and "quotes"`, app: 'api', level: 'info' },
    ]);
    const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.includes(marker)) : []);
    const expected = [`db|drain-host|warning|${marker} disk almost full`, `api|drain-host|info|${marker} ünïcode ✓ and "quotes"`];
    await eventually(async () => (read(`/tmp/millrace-drain-rsyslog-${process.pid}/tcp.log`).length === 2 && read(`/tmp/millrace-drain-rsyslog-${process.pid}/tls.log`).length === 2 ? true : undefined), 15000);
    expect(read(`/tmp/millrace-drain-rsyslog-${process.pid}/tcp.log`)).toEqual(expected);
    expect(read(`/tmp/millrace-drain-rsyslog-${process.pid}/tls.log`)).toEqual(expected);
    await request('DELETE', `${platform.urls.query}/v1/drains/${tcp.id}`, { key: a.owner });
    await request('DELETE', `${platform.urls.query}/v1/drains/${tls.id}`, { key: a.owner });
  });

  it('survives an endpoint that is down for a while: retries with back-off, then delivers everything', async () => {
    const r = await receiver();
    const marker = `down${Date.now()}`;
    const d = await addDrain(a, { name: `down ${marker}`, url: `http://127.0.0.1:${r.port}/`, format: 'json', query: marker });
    await r.stop();
    await ingest(a, Array.from({ length: 50 }, (_, i) => ({ line: `${marker} ${i}`, app: 'down' })));
    const failing = await eventually(async () => {
      const v = await drain(a, d.id);
      return v.status && v.status.failed >= 2 ? v : undefined;
    }, 15000);
    expect(failing.status!.lastError).toMatch(/ECONNREFUSED/);
    expect(failing.status!.delivered).toBe(0);
    await r.start();
    await eventually(async () => (r.jsonLines().length === 50 ? true : undefined), 20000);
    expect(r.jsonLines().map((l) => l.line)).toEqual(Array.from({ length: 50 }, (_, i) => `${marker} ${i}`));
    const after = await eventually(async () => {
      const v = await drain(a, d.id);
      return v.status?.delivered === 50 ? v : undefined;
    }, 10000);
    expect(after.status).toMatchObject({ dropped: 0 });
    expect(Date.parse(after.status!.lastSuccessAt!)).toBeGreaterThan(Date.parse(after.status!.lastErrorAt!));
    await request('DELETE', `${platform.urls.query}/v1/drains/${d.id}`, { key: a.owner });
  });

  it('drops and reports what a hung endpoint cannot take, without holding back other drains or the pipeline', async () => {
    const hung = await receiver();
    hung.hang = true;
    const healthy = await receiver();
    const marker = `hung${Date.now()}`;
    const bad = await addDrain(a, { name: `hung ${marker}`, url: `http://127.0.0.1:${hung.port}/`, query: marker });
    // A healthy drain of the same organisation (a tenth of the lines) keeps delivering.
    await addDrain(a, { name: `healthy ${marker}`, url: `http://127.0.0.1:${healthy.port}/`, format: 'json', query: `${marker} app:keep` });
    for (let r = 0; r < 3; r++) await ingest(a, Array.from({ length: 1000 }, (_, i) => ({ line: `${marker} ${r * 1000 + i}`, app: i % 10 === 0 ? 'keep' : 'hung' })));
    // The healthy drain and the index get every line.
    await eventually(async () => (healthy.jsonLines().length === 300 ? true : undefined), 30000);
    await eventually(async () => ((await search(a, `${marker} -app:millrace`)).length === 3000 ? true : undefined), 30000);
    // The hung one counts what it dropped and says why.
    const status = await eventually(async () => {
      const v = await drain(a, bad.id);
      return v.status && v.status.dropped > 0 ? v.status : undefined;
    }, 15000);
    expect(status.dropped).toBeGreaterThanOrEqual(3000 - 1500 - 500);
    expect(status.delivered).toBe(0);
    expect(status.lastError).toMatch(/buffer full|no answer/);
    // And the organisation is told in its own log stream (Logplex's L10), searchable and tailable.
    const notices = await eventually(async () => {
      const found = await search(a, `app:millrace tag:drain-error "${bad.id}"`);
      return found.length > 0 ? found : undefined;
    }, 20000);
    expect(notices[0].message).toMatch(new RegExp(`^Error L10 \\(drain buffer overflow\\): drain "hung ${marker}" \\(${bad.id}\\) dropped \\d+ lines since `));
    expect(notices[0].level).toBe('error');
    // Other organisations hear nothing of it.
    expect(await search(b, `app:millrace tag:drain-error`)).toEqual([]);
    await request('DELETE', `${platform.urls.query}/v1/drains/${bad.id}`, { key: a.owner });
  });
});
