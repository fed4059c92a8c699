import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { BatchSource, RawLine } from '@millrace/log-schema';
import { BufferBudget, type LineSink, type ListenerMetrics, type PublishResult } from './sink';
import { SyslogServer, type SyslogServerOptions } from './syslog-server';

const KEY_A = `mlr_ik_${'a'.repeat(43)}`;
const KEY_B = `mlr_ik_${'b'.repeat(43)}`;
const TENANTS: Record<string, string> = { [KEY_A]: 'tenant-a', [KEY_B]: 'tenant-b' };

class FakeSink implements LineSink {
  published: { tenant: string; lines: RawLine[]; source: BatchSource }[] = [];
  /** What the next publishes answer; `ok` when empty. */
  answers: PublishResult[] = [];
  blocked = false;
  resolutions = 0;

  async resolveKey(key: string): Promise<string | null> {
    this.resolutions++;
    return TENANTS[key] ?? null;
  }

  async publish(tenant: string, lines: RawLine[], source: BatchSource): Promise<PublishResult> {
    if (this.blocked) return { ok: false, retryAfterMs: 20, reason: 'broker_unavailable' };
    const answer = this.answers.shift() ?? { ok: true };
    if (answer.ok) this.published.push({ tenant, lines: [...lines], source });
    return answer;
  }

  lines(tenant?: string): string[] {
    return this.published.filter((p) => tenant === undefined || p.tenant === tenant).flatMap((p) => p.lines.map((l) => l.line));
  }
}

class CountingMetrics implements ListenerMetrics {
  counts: Record<string, number> = {};
  pausedNow = 0;
  private add(name: string, n = 1) {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }
  refused(protocol: string, reason: string, count = 1) {
    this.add(`refused:${reason}`, count);
  }
  unauthenticated(listener: string, reason: string, _key: string | undefined, count = 1) {
    this.add(`unauthenticated:${listener}:${reason}`, count);
  }
  altered(protocol: string, reason: string, count = 1) {
    this.add(`altered:${reason}`, count);
  }
  connection(transport: string, event: string) {
    this.add(`${transport}:${event}`);
  }
  open() {}
  paused(delta: number) {
    this.pausedNow += delta;
  }
  buffered() {}
}

const servers: SyslogServer[] = [];
const clients: net.Socket[] = [];

async function start(sink: FakeSink, overrides: Partial<SyslogServerOptions> = {}, metrics = new CountingMetrics()) {
  const server = new SyslogServer({
    transport: 'tcp', host: '127.0.0.1', port: 0, maxConnections: 100, idleTimeoutMs: 60_000,
    batchLines: 1000, batchBytes: 512 * 1024, flushMs: 20, budget: new BufferBudget(64 * 1024 * 1024), retryMs: 20,
    metrics, ...overrides,
  }, sink);
  await server.listen();
  servers.push(server);
  return { server, metrics };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
    clients.push(socket);
  });
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sd = (key: string) => `[millrace@53595 key="${key}"]`;
const rfc5424 = (msg: string, key = KEY_A, app = 'api') => `<14>1 2024-05-01T10:00:00.000Z host1 ${app} 42 ID7 ${sd(key)} ${msg}`;
const octet = (frame: string) => `${Buffer.byteLength(frame)} ${frame}`;

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close(500)));
});

describe('SyslogServer over TCP', () => {
  it('frames octet-counted and newline-delimited messages on one connection, even split byte by byte', async () => {
    const sink = new FakeSink();
    const { server } = await start(sink);
    const socket = await connect(server.port);
    const stream = octet(rfc5424('first message')) + `${rfc5424('second message')}\n` + octet(rfc5424('third, with a\nnewline inside')) + `<13>May  1 10:00:00 host2 cron[7]: fourth ${sd(KEY_A)}\n`;
    // RFC 3164 carries no structured data: the fourth line has no key and is refused.
    const bytes = Buffer.from(stream);
    for (let i = 0; i < bytes.length; i += 7) {
      socket.write(bytes.subarray(i, i + 7));
      if (i % 70 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => sink.lines().length === 3);
    expect(sink.lines()).toEqual(['first message', 'second message', 'third, with a\nnewline inside']);
    const first = sink.published[0].lines[0];
    expect(first).toMatchObject({ app: 'api', host: 'host1', level: 'info', ts: '2024-05-01T10:00:00.000Z' });
    // The key never reaches the stored line.
    expect(JSON.stringify(sink.published)).not.toContain(KEY_A);
    expect(sink.published[0].tenant).toBe('tenant-a');
    expect(sink.published[0].source.protocol).toBe('syslog');
    expect(sink.resolutions).toBe(1);
  });

  it('attributes each message by its own key, and refuses messages without one or with an invalid one', async () => {
    const sink = new FakeSink();
    const { server, metrics } = await start(sink);
    const socket = await connect(server.port);
    socket.write(`${rfc5424('for a')}\n${rfc5424('for b', KEY_B)}\n<14>1 - h app - - - no key\n${rfc5424('bad key', `mlr_ik_${'z'.repeat(43)}`)}\nnot syslog at all\n`);
    await until(() => sink.lines().length === 2 && (metrics.counts['unauthenticated:syslog-tcp:no_key'] ?? 0) === 2);
    expect(sink.lines('tenant-a')).toEqual(['for a']);
    expect(sink.lines('tenant-b')).toEqual(['for b']);
    expect(metrics.counts['unauthenticated:syslog-tcp:invalid_key']).toBe(1);
  });

  it('takes the key from the first word of the message (RFC 5424, RFC 3164, or before the whole frame) and removes it', async () => {
    const sink = new FakeSink();
    const { server, metrics } = await start(sink);
    const socket = await connect(server.port);
    socket.write([
      `<14>1 2024-05-01T10:00:00.000Z host1 web 12 - - ${KEY_A} winston style`,
      `<11>May  1 10:00:00 host2 worker[9]: ${KEY_B} rfc 3164 style`,
      `${KEY_A} <13>1 - host3 tpl - - - key before the header`,
      `${KEY_A} plain text after the key`,
      `<14>1 - h app - - - ${KEY_A.slice(0, -1)} almost a key`,
      `<14>1 - h app - - [millrace@53595 key="${KEY_B}"] ${KEY_A} both: structured data wins`,
    ].map((f) => `${f}
`).join(''));
    await until(() => sink.lines().length === 5 && (metrics.counts['unauthenticated:syslog-tcp:no_key'] ?? 0) === 1);
    expect(sink.lines('tenant-a')).toEqual(['winston style', 'key before the header', 'plain text after the key']);
    expect(sink.lines('tenant-b')).toEqual(['rfc 3164 style', 'both: structured data wins']);
    const lines = sink.published.flatMap((p) => p.lines);
    expect(lines[0]).toMatchObject({ app: 'web', host: 'host1', level: 'info', ts: '2024-05-01T10:00:00.000Z', meta: { syslog: { facility: 'user', severity: 6, procid: '12' } } });
    expect(lines.find((l) => l.line === 'rfc 3164 style')).toMatchObject({ app: 'worker', host: 'host2', level: 'error' });
    expect(JSON.stringify(sink.published)).not.toContain(KEY_A);
    expect(JSON.stringify(sink.published)).not.toContain(KEY_B);
  });

  it('binds a port to one tenant: every message belongs to it, and a key in structured data or as first word is ignored and removed', async () => {
    const sink = new FakeSink();
    const { server } = await start(sink, { boundKey: KEY_B });
    const socket = await connect(server.port);
    socket.write(`<13>May  1 10:00:00 host2 cron[7]: rfc 3164 line\n${rfc5424('has a key for a')}\nplain text line\n<13>May  1 10:00:00 host2 cron[7]: ${KEY_A} first word\n`);
    await until(() => sink.lines().length === 4);
    expect(sink.published.every((p) => p.tenant === 'tenant-b')).toBe(true);
    expect(sink.lines()).toEqual(['rfc 3164 line', 'has a key for a', 'plain text line', 'first word']);
    expect(sink.published[0].lines[0]).toMatchObject({ app: 'cron', host: 'host2', meta: { syslog: { procid: '7' } } });
    expect(JSON.stringify(sink.published)).not.toContain(KEY_A);
  });

  it('publishes a batch every N lines or M milliseconds', async () => {
    const sink = new FakeSink();
    const { server } = await start(sink, { batchLines: 10, flushMs: 100 });
    const socket = await connect(server.port);
    socket.write(Array.from({ length: 25 }, (_, i) => `${rfc5424(`line ${i}`)}\n`).join(''));
    await until(() => sink.published.length === 2);
    expect(sink.published.map((p) => p.lines.length)).toEqual([10, 10]);
    await until(() => sink.published.length === 3);
    expect(sink.published[2].lines).toHaveLength(5);
    expect(sink.lines()).toEqual(Array.from({ length: 25 }, (_, i) => `line ${i}`));
  });

  it('stops reading while the broker refuses and stores every line once it is back (back-pressure, nothing dropped)', async () => {
    const sink = new FakeSink();
    sink.blocked = true;
    const budget = new BufferBudget(64 * 1024 * 1024);
    const { server, metrics } = await start(sink, { batchLines: 100, batchBytes: 64 * 1024, budget });
    const socket = await connect(server.port);
    const line = 'x'.repeat(1000);
    let written = 0;
    // Write until the kernel buffers are full and the client cannot write any more.
    while (written < 60_000) {
      const ok = socket.write(`${rfc5424(`${written} ${line}`)}\n`);
      written++;
      if (!ok) {
        const drained = await Promise.race([new Promise((r) => socket.once('drain', () => r(true))), new Promise((r) => setTimeout(() => r(false), 300))]);
        if (!drained) break;
      }
    }
    await until(() => metrics.pausedNow === 1);
    // Bounded: one batch being retried and one being filled, plus what one read brings.
    expect(budget.bytes).toBeLessThan(2 * 64 * 1024 + 2 * 70 * 1024);
    expect(sink.published).toHaveLength(0);
    expect(written).toBeLessThan(60_000); // the sender was pushed back
    sink.blocked = false;
    socket.end(); // the rest of what was written is still delivered
    await until(() => sink.lines().length === written, 15000);
    expect(new Set(sink.lines()).size).toBe(written);
    expect(sink.lines()[0]).toBe(`0 ${line}`);
    expect(sink.lines()[written - 1]).toBe(`${written - 1} ${line}`);
    expect(metrics.counts['unauthenticated:syslog-tcp:no_key']).toBeUndefined();
  });

  it('counts what the sink drops (daily quota) and keeps the connection going', async () => {
    const sink = new FakeSink();
    sink.answers = [{ ok: false, drop: 'quota_exceeded' }];
    const { server, metrics } = await start(sink, { flushMs: 10 });
    const socket = await connect(server.port);
    socket.write(`${rfc5424('dropped 1')}\n${rfc5424('dropped 2')}\n`);
    await until(() => metrics.counts['refused:quota_exceeded'] === 2);
    socket.write(`${rfc5424('kept')}\n`);
    await until(() => sink.lines().length === 1);
    expect(sink.lines()).toEqual(['kept']);
  });

  it('refuses an oversized frame, counts it and carries on with the next frame', async () => {
    const sink = new FakeSink();
    const { server, metrics } = await start(sink);
    const socket = await connect(server.port);
    socket.write(`${rfc5424('x'.repeat(70 * 1024))}\n`);
    socket.write(`${rfc5424('after the big one')}\n`);
    await until(() => sink.lines().includes('after the big one'));
    expect(metrics.counts['refused:frame_too_large']).toBe(1);
    expect(socket.destroyed).toBe(false);
  });

  it('closes cleanly after a length prefix it cannot honour, keeping what came before', async () => {
    const sink = new FakeSink();
    const { server, metrics } = await start(sink);
    const socket = await connect(server.port);
    const closed = new Promise((r) => socket.on('close', r));
    socket.write(`${rfc5424('before')}\n999999999 <14>1 - - - - - - huge\n${rfc5424('lost in the frame')}\n`);
    await closed;
    await until(() => sink.lines().length === 1);
    expect(sink.lines()).toEqual(['before']);
    expect(metrics.counts['refused:frame_too_large']).toBe(1);
    expect(metrics.counts['tcp:closed_unframeable']).toBe(1);
  });

  it('keeps a malformed frame as plain text and counts it', async () => {
    const sink = new FakeSink();
    const { server, metrics } = await start(sink, { boundKey: KEY_A });
    const socket = await connect(server.port);
    socket.write('<999>1 broken pri\n');
    await until(() => sink.lines().length === 1);
    expect(sink.lines()).toEqual(['<999>1 broken pri']);
    expect(metrics.counts['altered:malformed_frame']).toBe(1);
  });

  it('publishes an unterminated last line when the peer closes', async () => {
    const sink = new FakeSink();
    const { server } = await start(sink, { flushMs: 5000 });
    const socket = await connect(server.port);
    socket.end(rfc5424('last words'));
    await until(() => sink.lines().length === 1);
    expect(sink.lines()).toEqual(['last words']);
  });

  it('refuses connections over the maximum and closes idle ones', async () => {
    const sink = new FakeSink();
    const { server, metrics } = await start(sink, { maxConnections: 2, idleTimeoutMs: 300 });
    await connect(server.port);
    await connect(server.port);
    const third = await connect(server.port);
    await until(() => third.destroyed || third.readableEnded || metrics.counts['tcp:refused_max_connections'] === 1);
    expect(metrics.counts['tcp:refused_max_connections']).toBe(1);
    await until(() => (metrics.counts['tcp:idle_timeout'] ?? 0) === 2, 3000);
    await until(() => server.connectionCount === 0);
  });

  it('holds thousands of idle connections cheaply', async () => {
    const sink = new FakeSink();
    const { server } = await start(sink, { maxConnections: 5000 });
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const count = 1500;
    for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: 100 }, () => connect(server.port)));
    await until(() => server.connectionCount === count);
    global.gc?.();
    const perConnection = (process.memoryUsage().heapUsed - before) / count;
    // Both ends live in this process: the server's share is a fraction of this.
    expect(perConnection).toBeLessThan(16 * 1024);
  });

  it('flushes what connections hold when it closes', async () => {
    const sink = new FakeSink();
    const { server } = await start(sink, { flushMs: 60_000 });
    const socket = await connect(server.port);
    socket.write(`${rfc5424('held 1')}\n${rfc5424('held 2')}\n`);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.lines()).toHaveLength(0);
    servers.splice(servers.indexOf(server), 1);
    await server.close(2000);
    expect(sink.lines()).toEqual(['held 1', 'held 2']);
  });
});

describe('SyslogServer over TLS', () => {
  let dir: string;
  let cert: Buffer;
  let key: Buffer;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'syslog-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(path.join(dir, 'cert.pem'));
    key = readFileSync(path.join(dir, 'key.pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes framed messages over TLS and refuses a peer that does not speak TLS', async () => {
    const sink = new FakeSink();
    const { server, metrics } = await start(sink, { transport: 'tls', tls: { cert, key }, handshakeTimeoutMs: 1000 });
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: server.port, ca: cert }, () => resolve(s));
      s.on('error', reject);
      clients.push(s);
    });
    socket.write(octet(rfc5424('over tls')) + `${rfc5424('and another')}\n`);
    await until(() => sink.lines().length === 2);
    expect(sink.lines()).toEqual(['over tls', 'and another']);
    const plain = await connect(server.port);
    plain.write(`${rfc5424('plain text to a TLS port')}\n`);
    await until(() => plain.destroyed || plain.readableEnded, 3000);
    await until(() => metrics.counts['tls:tls_error'] === 1);
    expect(sink.lines()).toHaveLength(2);
  });
});
