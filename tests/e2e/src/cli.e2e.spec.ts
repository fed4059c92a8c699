// The `millrace` CLI as a user runs it: a spawned process (node_modules/.bin/millrace, what
// `npx millrace` runs) against the real platform. Log-in with a password and with a key, live
// tail, search, a 100,000-line export in bounded memory that survives kill -9, ingestion that
// survives a gateway restart, and the messages and exit codes of the usual failures.
import { Client } from '@opensearch-project/opensearch';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventId, newBatchId } from '@millrace/log-schema';
import { eventIndexName, EVENTS_TEMPLATE, eventsIndexTemplate, toDocument } from '@millrace/search-index';
import { eventually, request } from './support/http';
import { createOwner } from './support/org-admin';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';
import { REPO_ROOT, stackEnv } from './support/stack';

const BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'millrace');
const EXPORT_LINES = 100_000;

let platform: Platform;
let org: OrgKeys;
const os = new Client({ node: stackEnv().OPENSEARCH_URL });

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: only what a user's shell would have, plus the given variables. */
function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), TZ: 'UTC', ...extra };
}

function start(args: string[], options: { home: string; env?: Record<string, string>; nodeArgs?: string[] }): ChildProcess {
  return spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(options.home, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess, input?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (input !== undefined) child.stdin!.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function millrace(args: string[], options: { home: string; env?: Record<string, string>; input?: string }): Promise<Run> {
  return finished(start(args, options), options.input ?? '');
}

const home = () => mkdtempSync(path.join(tmpdir(), 'millrace-cli-e2e-'));
const urlFlags = () => ['--query-url', platform.urls.query, '--auth-url', platform.urls.auth, '--ingest-url', platform.urls.ingest];
const urlEnv = () => ({ MILLRACE_QUERY_URL: platform.urls.query, MILLRACE_AUTH_URL: platform.urls.auth, MILLRACE_INGEST_URL: platform.urls.ingest });

/** The peak resident memory of a process so far (VmHWM), in bytes. */
function peakRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function ship(key: string, lines: Array<{ line: string; app: string; level?: string }>): Promise<void> {
  const res = await request('POST', `${platform.urls.ingest}/logs/ingest`, { key, body: { lines } });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('cli'));
}, 300000);
afterAll(async () => {
  await os.close();
  await platform?.shutdown();
});

describe('log-in', () => {
  it('with e-mail and password: a session in a 0600 file, used by later commands', async () => {
    const owner = createOwner(org.org);
    const h = home();
    const login = await millrace(['login', ...urlFlags(), '--email', owner.email, '--password-stdin'], { home: h, input: `${owner.password}\n` });
    expect(login).toMatchObject({ code: 0 });
    expect(login.stderr).toContain(`Logged in to ${org.org} as ${owner.email} (owner)`);
    const file = path.join(h, '.config', 'millrace', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(owner.password);
    const me = await millrace(['whoami', '-o', 'json'], { home: h });
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ org: org.org, kind: 'user', role: 'owner', profile: org.org });
    const keys = await millrace(['keys', 'list', '-o', 'json'], { home: h });
    expect(keys.code).toBe(0);
    expect((JSON.parse(keys.stdout) as Array<{ kind: string }>).map((k) => k.kind).sort()).toEqual(['ingest', 'service', 'service']);
    const logout = await millrace(['logout'], { home: h });
    expect(logout.code).toBe(0);
    expect(await millrace(['whoami'], { home: h })).toMatchObject({ code: 3 });
  });

  it('with a key, URLs from the environment', async () => {
    const h = home();
    const login = await millrace(['login', '--key', org.readKey], { home: h, env: urlEnv() });
    expect(login.code).toBe(0);
    const me = await millrace(['whoami', '-o', 'json'], { home: h });
    expect(JSON.parse(me.stdout)).toMatchObject({ org: org.org, kind: 'service' });
  });

  it('a wrong password exits with 3; a locked account (429) with 1, saying when to retry', async () => {
    const other = platform.createOrg(uniqueOrg('clilock'));
    const owner = createOwner(other.org);
    const h = home();
    const wrong = await millrace(['login', ...urlFlags(), '--email', owner.email, '--password-stdin'], { home: h, input: 'not the password' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('log-in refused: email or password is wrong');
    for (let i = 0; i < 4; i++) await millrace(['login', ...urlFlags(), '--email', owner.email, '--password-stdin'], { home: h, input: 'still wrong' });
    const locked = await millrace(['login', ...urlFlags(), '--email', owner.email, '--password-stdin'], { home: h, input: owner.password });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/the auth service answered 429 \(too many requests\): .*; try again in \d+ (s|min)\./);
  });

  it('an unreachable server exits with 1 and names it; no credential exits with 3', async () => {
    const port = await freePort();
    const down = await millrace(['search', 'x'], { home: home(), env: { MILLRACE_KEY: org.readKey, MILLRACE_QUERY_URL: `http://127.0.0.1:${port}` } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach the query API at http://127.0.0.1:${port} (connection refused`);
    const none = await millrace(['search', 'x'], { home: home(), env: urlEnv() });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('not logged in');
    expect(await millrace(['search', '--bogus'], { home: home() })).toMatchObject({ code: 2 });
  });
});

/**
 * A `millrace tail -a APP --backlog 1` that is known to be live: a line shipped before it starts
 * is its backlog, and the server sends the backlog just before going live.
 */
async function liveTail(app: string, first: string, extra: string[] = []) {
  const h = home();
  const env = { ...urlEnv(), MILLRACE_KEY: org.readKey };
  await ship(org.ingestKey, [{ line: first, app }]);
  await eventually(async () => ((await millrace(['search', '-a', app, '--json'], { home: h, env })).stdout.includes(first) ? true : undefined), 30000, 500);
  const child = start(['tail', '-a', app, '--backlog', '1', ...extra], { home: h, env });
  const tail = { child, home: h, env, out: '', err: '' };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (tail.out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (tail.err += d));
  await eventually(async () => (tail.out.includes(first) ? true : undefined), 15000, 20).catch((error: Error) => {
    child.kill();
    throw new Error(`${error.message}; the tail printed ${JSON.stringify(tail.out.slice(-500))} and on stderr ${JSON.stringify(tail.err.slice(-500))}`);
  });
  return tail;
}

async function stopTail(child: ChildProcess): Promise<void> {
  child.kill('SIGINT');
  expect(await new Promise((r) => child.on('close', r))).toBe(0);
}

describe('tail and search', () => {
  it('tail prints a line shipped after it started within 2 s; search finds it with --json', async () => {
    const app = `tail-${Date.now()}`;
    const tail = await liveTail(app, 'before the tail');
    try {
      const message = `shipped after the tail started ${Date.now()}`;
      const shipped = Date.now();
      await ship(org.ingestKey, [{ line: message, app, level: 'error' }]);
      await eventually(async () => (tail.out.includes(message) ? true : undefined), 2000, 10);
      const latency = Date.now() - shipped;
      expect(latency).toBeLessThan(2000);
      expect(tail.out).toMatch(new RegExp(`^\\S+ \\S+ ${app} ERROR ${message}$`, 'm'));
      expect(tail.out).not.toContain('\x1b['); // not a terminal: no colours

      const found = await eventually(async () => {
        const run = await millrace(['search', message.split(' ').pop()!, '-a', app, '--json', '--from', '-10m'], { home: tail.home, env: tail.env });
        const events = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { message: string; level: string; app: string });
        return events.length ? events : undefined;
      }, 30000, 500);
      expect(found).toEqual([expect.objectContaining({ message, level: 'error', app })]);
    } finally {
      await stopTail(tail.child);
    }
    expect(tail.err).toBe('');
  });
});

describe('tail across a restart of the query API', () => {
  it('reconnects with Last-Event-ID: every line shipped while it was away arrives once, none missed', async () => {
    const app = `tailr-${Date.now()}`;
    const tail = await liveTail(app, 'line 0', ['--json']);
    const received = () => tail.out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { message: string }).message);
    try {
      await ship(org.ingestKey, [{ line: 'line 1', app }]);
      await eventually(async () => (received().includes('line 1') ? true : undefined), 5000, 20);
      await platform.stop('query-api');
      for (let i = 2; i <= 50; i += 7) {
        await ship(org.ingestKey, Array.from({ length: Math.min(7, 51 - i) }, (_, k) => ({ line: `line ${i + k}`, app })));
      }
      await platform.start('query-api');
      await eventually(async () => (received().length >= 51 ? true : undefined), 60000, 100);
      await new Promise((r) => setTimeout(r, 1000)); // a doubled line would show up by now
      expect(received()).toEqual(Array.from({ length: 51 }, (_, i) => `line ${i}`));
      expect(tail.err).toContain('connection lost');
      expect(tail.err).toContain('reconnected: no line was missed');
    } finally {
      await stopTail(tail.child);
    }
  });
});

describe('export', () => {
  const seeded = uniqueOrg('cliexp');
  let keys: OrgKeys;

  beforeAll(async () => {
    keys = platform.createOrg(seeded);
    // Indexed straight into OpenSearch (the export is under test, not the pipeline); three
    // events share each millisecond, so resume points fall inside runs of equal timestamps.
    await os.indices.putIndexTemplate({ name: EVENTS_TEMPLATE, body: eventsIndexTemplate() as never });
    const base = Date.now() - 20 * 60_000;
    for (let start = 0; start < EXPORT_LINES; start += 5000) {
      const batchId = newBatchId();
      const body: object[] = [];
      for (let i = start; i < Math.min(EXPORT_LINES, start + 5000); i++) {
        const ts = base + Math.floor(i / 3);
        const id = eventId(batchId, i - start);
        body.push({ index: { _index: eventIndexName('r30', ts), _id: id, routing: seeded } });
        body.push(toDocument({
          id, tenant: seeded, ts, receivedAt: ts, app: 'export', host: 'h', level: 'info',
          message: i % 1000 === 7 ? `a "quoted", comma line ${i}` : `export line ${i}`, tags: [], fields: { n: i }, source: 'http-json',
        }));
      }
      const { body: result } = await os.bulk({ body });
      expect(result.errors).toBe(false);
    }
    await os.indices.refresh({ index: 'millrace-events-*' });
    process.stdout.write(`export: seeded ${EXPORT_LINES} events in ${((Date.now() - base - 20 * 60_000) / 1000).toFixed(1)} s\n`);
  }, 300000);

  function numbers(file: string): number[] {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { fields: { n: number } }).fields.n);
  }

  it(`writes all ${EXPORT_LINES} lines with a 32 MiB heap, memory bounded, and resumes after kill -9 with each line once`, async () => {
    const h = home();
    const env = { ...urlEnv(), MILLRACE_KEY: keys.readKey };
    const nodeArgs = ['--max-old-space-size=32'];

    const whole = path.join(h, 'whole.ndjson');
    const began = Date.now();
    const child = start(['export', '--from', '-1h', '-o', whole], { home: h, env, nodeArgs });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 25);
    const run = await finished(child);
    clearInterval(sampler);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toContain(`exported ${EXPORT_LINES} lines`);
    const all = numbers(whole);
    expect(all).toHaveLength(EXPORT_LINES);
    expect(all.every((n, i) => n === i)).toBe(true);
    const size = statSync(whole).size;
    expect(size).toBeGreaterThan(10 * 1024 * 1024);
    process.stdout.write(`export: ${EXPORT_LINES} lines, ${(size / 1048576).toFixed(1)} MiB, CLI peak RSS ${(peak / 1048576).toFixed(1)} MiB, ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
    expect(peak).toBeGreaterThan(0);
    // The 32 MiB heap is the bound that matters (the export as strings would need twice that);
    // the whole process, Node itself and its buffers included, stays near Node's own baseline.
    expect(peak).toBeLessThan(128 * 1024 * 1024);

    // Killed half-way (no chance to clean up), then run again with the same command line.
    const resumed = path.join(h, 'resumed.ndjson');
    const first = start(['export', '--from', '-1h', '-o', resumed], { home: h, env, nodeArgs });
    const firstDone = finished(first);
    await eventually(async () => (existsSync(resumed) && statSync(resumed).size > size / 3 ? true : undefined), 60000, 5);
    first.kill('SIGKILL');
    expect((await firstDone).code).toBeNull();
    const cut = statSync(resumed).size;
    expect(cut).toBeLessThan(size);
    expect(existsSync(`${resumed}.millrace-export`)).toBe(true);
    const second = await millrace(['export', '--from', '-1h', '-o', resumed], { home: h, env });
    expect(second.code).toBe(0);
    const again = numbers(resumed);
    expect(again).toHaveLength(EXPORT_LINES);
    expect(new Set(again).size).toBe(EXPORT_LINES);
    expect(again.every((n, i) => n === i)).toBe(true);
    expect(readFileSync(resumed)).toEqual(readFileSync(whole));
    expect(existsSync(`${resumed}.millrace-export`)).toBe(false);
    process.stdout.write(`export: killed at ${(cut / 1048576).toFixed(1)} MiB, resumed to ${EXPORT_LINES} lines, each once\n`);
  });
});

describe('ingest', () => {
  it('stores every line of stdin exactly once, even when the gateway is killed and restarted in the middle', async () => {
    const app = `ingest-${Date.now()}`;
    const total = 20_000;
    const h = home();
    const child = start(['ingest', '--app', app, '--batch-lines', '500'], { home: h, env: { ...urlEnv(), MILLRACE_INGEST_KEY: org.ingestKey } });
    const done = finished(child);
    // Lines keep coming (100 every 50 ms, like a busy process) while the gateway is killed and
    // started again: requests in flight are cut, new ones are refused until it is back.
    let restart: Promise<void> | undefined;
    for (let sent = 0; sent < total; sent += 100) {
      const chunk = Array.from({ length: 100 }, (_, i) => `cli ingest line ${sent + i}`).join('\n') + '\n';
      if (!child.stdin!.write(chunk)) await new Promise((r) => child.stdin!.once('drain', r));
      await new Promise((r) => setTimeout(r, 50));
      if (!restart && sent >= total / 4) {
        restart = (async () => {
          await platform.stop('ingest-gateway', 'SIGKILL');
          await new Promise((r) => setTimeout(r, 1500));
          await platform.start('ingest-gateway');
        })();
      }
    }
    await restart;
    child.stdin!.end();
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/retrying/);

    const seen = await eventually(async () => {
      const res = await fetch(`${platform.urls.query}/v1/export?q=${encodeURIComponent(`app:${app}`)}&from=-30m&format=ndjson`, { headers: { authorization: `Bearer ${org.readKey}` } });
      const messages = (await res.text()).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { message: string }).message);
      return messages.length >= total ? messages : undefined;
    }, 60000, 1000);
    await new Promise((r) => setTimeout(r, 3000)); // anything stored twice would show up by now
    const final = await (await fetch(`${platform.urls.query}/v1/export?q=${encodeURIComponent(`app:${app}`)}&from=-30m&format=ndjson`, { headers: { authorization: `Bearer ${org.readKey}` } })).text();
    const messages = final.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { message: string }).message);
    expect(seen.length).toBe(total);
    expect(messages).toHaveLength(total);
    expect(new Set(messages).size).toBe(total);
    for (let i = 0; i < total; i += 997) expect(messages).toContain(`cli ingest line ${i}`);
  });
});
