import * as dgram from 'node:dgram';
import { gzipSync } from 'node:zlib';
import type { BatchSource, RawLine } from '@millrace/log-schema';
import type { LineSink, ListenerMetrics, PublishResult } from './sink';
import { GelfUdpListener, SyslogUdpListener } from './udp';

const KEY_A = `mlr_ik_${'a'.repeat(43)}`;
const KEY_B = `mlr_ik_${'b'.repeat(43)}`;

class Sink implements LineSink {
  published: { tenant: string; lines: RawLine[] }[] = [];
  failures = 0;
  async resolveKey(key: string) {
    return key === KEY_A ? 'tenant-a' : key === KEY_B ? 'tenant-b' : null;
  }
  async publish(tenant: string, lines: RawLine[], _source: BatchSource): Promise<PublishResult> {
    if (this.failures > 0) {
      this.failures--;
      return { ok: false, retryAfterMs: 10, reason: 'broker_unavailable' };
    }
    this.published.push({ tenant, lines: [...lines] });
    return { ok: true };
  }
}

class Metrics implements ListenerMetrics {
  counts: Record<string, number> = {};
  refused(_p: string, reason: string, n = 1) {
    this.counts[reason] = (this.counts[reason] ?? 0) + n;
  }
  unauthenticated(listener: string, reason: string, _key: string | undefined, n = 1) {
    this.counts[`${listener}:${reason}`] = (this.counts[`${listener}:${reason}`] ?? 0) + n;
  }
  altered(_p: string, reason: string, n = 1) {
    this.counts[`altered:${reason}`] = (this.counts[`altered:${reason}`] ?? 0) + n;
  }
  connection() {}
  open() {}
  paused() {}
  buffered() {}
}

async function until(check: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function send(port: number, datagrams: Buffer[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    let left = datagrams.length;
    for (const d of datagrams) socket.send(d, port, '127.0.0.1', () => --left === 0 && (socket.close(), resolve()));
  });
}

const options = { host: '127.0.0.1', port: 0, batchLines: 100, flushMs: 20, maxBufferedBytes: 1024 * 1024, retryMs: 10 };

describe('GelfUdpListener', () => {
  it('reassembles chunked gzip messages, takes _key over the bound key and removes it', async () => {
    const sink = new Sink();
    const metrics = new Metrics();
    const listener = new GelfUdpListener({ ...options, boundKey: KEY_A, metrics }, sink);
    await listener.listen();
    try {
      const zipped = gzipSync(JSON.stringify({ version: '1.1', host: 'h', short_message: 'chunked', _app: 'pay', full_message: 'x'.repeat(3000) }));
      const id = Buffer.from('abcdefgh');
      const half = Math.ceil(zipped.length / 2);
      const chunks = [0, 1].map((i) => Buffer.concat([Buffer.from([0x1e, 0x0f]), id, Buffer.from([i, 2]), zipped.subarray(i * half, (i + 1) * half)]));
      await send(listener.port, [chunks[1], chunks[0], Buffer.from(JSON.stringify({ short_message: 'keyed', _key: KEY_B, _x: 1 })), Buffer.from('not json')]);
      await until(() => sink.published.length === 2);
      const byTenant = Object.fromEntries(sink.published.map((p) => [p.tenant, p.lines]));
      expect(byTenant['tenant-a'][0]).toMatchObject({ line: 'chunked', app: 'pay', host: 'h' });
      expect(byTenant['tenant-b'][0]).toMatchObject({ line: 'keyed', meta: { x: 1 } });
      expect(JSON.stringify(sink.published)).not.toContain(KEY_B);
      await until(() => metrics.counts.malformed_frame === 1);
    } finally {
      await listener.close();
    }
  });
});

describe('SyslogUdpListener', () => {
  it('retries a batch while the broker is away, and refuses datagrams without a key', async () => {
    const sink = new Sink();
    sink.failures = 2;
    const metrics = new Metrics();
    const listener = new SyslogUdpListener({ ...options, metrics }, sink);
    await listener.listen();
    try {
      await send(listener.port, [
        Buffer.from(`<14>1 - h app - - [millrace@53595 key="${KEY_A}"] with key`),
        Buffer.from('<14>Jan  1 00:00:00 h app: no key here'),
        Buffer.from(`<14>Jan  1 00:00:00 h app: ${KEY_B} key as first word`),
        Buffer.from(`<14>Jan  1 00:00:00 h app: mlr_ik_${'z'.repeat(43)} unknown key`),
        Buffer.from('<999> malformed, without a key'),
      ]);
      await until(() => sink.published.length === 2);
      const byTenant = Object.fromEntries(sink.published.map((p) => [p.tenant, p.lines]));
      expect(byTenant['tenant-a']).toMatchObject([{ line: 'with key', app: 'app' }]);
      expect(byTenant['tenant-b']).toMatchObject([{ line: 'key as first word', app: 'app', host: 'h', level: 'info' }]);
      expect(JSON.stringify(sink.published)).not.toContain(KEY_B);
      await until(() => metrics.counts['syslog-udp:invalid_key'] === 1);
      expect(metrics.counts['syslog-udp:no_key']).toBe(2);
      expect(metrics.counts['altered:malformed_frame']).toBe(1);
    } finally {
      await listener.close();
    }
  });
});
