import { gunzipSync } from 'node:zlib';
import type { LogEvent } from '@millrace/log-schema';
import { HOUR_MS } from './layout';
import { gzipSink, PartBuffer, SettlementLedger, type PartSink } from './part-buffer';

const T0 = Date.UTC(2026, 0, 1, 10);

function event(i: number, ts = T0 + i, tenant = 'acme'): LogEvent {
  return { id: `B-${String(i).padStart(4, '0')}`, tenant, ts, receivedAt: ts, app: 'a', host: 'h', message: `line ${i}`, tags: [], fields: {}, source: 'http-json' };
}

/** A sink that keeps what it was given, to look at. */
function memorySink(): PartSink & { text(): string } {
  const chunks: string[] = [];
  return { write: (c) => void chunks.push(c), finish: async () => Buffer.from(chunks.join('')), abort: () => undefined, text: () => chunks.join('') };
}

describe('PartBuffer', () => {
  let now = T0;
  const clock = () => now;
  beforeEach(() => (now = T0));

  it('groups a delivery by tenant and hour, counting the parts it touched', () => {
    const buffer = new PartBuffer<string>({ maxBytes: 1e6, maxLines: 1000, maxAgeMs: 60_000 }, memorySink, clock);
    const events = [event(1), event(2, T0 + HOUR_MS + 5), event(3)];
    const { parts, sealed } = buffer.add('acme', 'dest', 'v1', events, 1);
    expect(parts).toBe(2);
    expect(sealed).toEqual([]);
    expect(buffer.openParts).toBe(2);
    expect(buffer.add('acme', 'dest', 'v1', [event(4)], 2).parts).toBe(1);
    const all = buffer.sealAll('shutdown');
    const first = all.find((p) => p.hour === T0)!;
    expect(first.stats.lines).toBe(3);
    expect([...first.deliveries]).toEqual([1, 2]);
    expect((first.sink as ReturnType<typeof memorySink>).text().trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['B-0001', 'B-0003', 'B-0004']);
    expect(all.find((p) => p.hour === T0 + HOUR_MS)!.stats.lines).toBe(1);
    expect(buffer.openParts).toBe(0);
  });

  it('seals a part at its line and byte bounds, and the next lines open a new part of the same hour', () => {
    const byLines = new PartBuffer<string>({ maxBytes: 1e6, maxLines: 3, maxAgeMs: 60_000 }, memorySink, clock);
    const { parts, sealed } = byLines.add('acme', 'd', 'v1', [1, 2, 3, 4, 5].map((i) => event(i)), 7);
    expect(sealed).toHaveLength(1);
    expect(sealed[0].stats.lines).toBe(3);
    expect(sealed[0].sealReason).toBe('lines');
    expect(parts).toBe(2);
    const rest = byLines.sealAll('shutdown');
    expect(rest[0].stats.lines).toBe(2);
    expect(rest[0].partId).not.toBe(sealed[0].partId);
    expect(rest[0].hour).toBe(sealed[0].hour);

    const lineBytes = Buffer.byteLength(`${JSON.stringify(event(1))}\n`);
    const byBytes = new PartBuffer<string>({ maxBytes: lineBytes * 2, maxLines: 1000, maxAgeMs: 60_000 }, memorySink, clock);
    const out = byBytes.add('acme', 'd', 'v1', [1, 2, 3].map((i) => event(i)), 1);
    expect(out.sealed.map((p) => [p.stats.lines, p.sealReason])).toEqual([[2, 'bytes']]);
  });

  it('seals parts once they reach their age, and when the destination changes', () => {
    const buffer = new PartBuffer<string>({ maxBytes: 1e6, maxLines: 1000, maxAgeMs: 60_000 }, memorySink, clock);
    buffer.add('acme', 'd', 'v1', [event(1)], 1);
    now += 30_000;
    buffer.add('other', 'd', 'v1', [event(2, T0, 'other')], 2);
    expect(buffer.due()).toEqual([]);
    now += 30_000;
    expect(buffer.due().map((p) => p.tenant)).toEqual(['acme']);
    const changed = buffer.add('other', 'd2', 'v2', [event(3, T0, 'other')], 3);
    expect(changed.sealed.map((p) => [p.tenant, p.destinationId, p.sealReason])).toEqual([['other', 'v1', 'destination']]);
    expect(buffer.sealAll('shutdown')[0].destination).toBe('d2');
  });

  it('gzips as lines arrive, into one valid gzip object', async () => {
    const buffer = new PartBuffer<string>({ maxBytes: 1e6, maxLines: 1000, maxAgeMs: 60_000 }, gzipSink, clock);
    for (let d = 0; d < 5; d++) buffer.add('acme', 'd', 'v1', Array.from({ length: 100 }, (_, i) => event(d * 100 + i)), d);
    const [part] = buffer.sealAll('age');
    const body = await part.sink.finish();
    const lines = gunzipSync(body).toString().trim().split('\n');
    expect(lines).toHaveLength(500);
    expect(body.length).toBeLessThan(part.stats.uncompressedBytes / 3);
  });
});

describe('SettlementLedger', () => {
  it('acks a message once every part holding its lines is settled', () => {
    const ledger = new SettlementLedger<string>();
    const a = ledger.receive(1, 'msg1', 100).token;
    const b = ledger.receive(2, 'msg2', 50).token;
    expect(ledger.attach(a, 2)).toBeUndefined();
    expect(ledger.attach(b, 1)).toBeUndefined();
    expect(ledger.heldBytes).toBe(150);
    expect(ledger.settle([a, b], true)).toEqual({ ack: ['msg2'], nak: [] });
    expect(ledger.settle([a], true)).toEqual({ ack: ['msg1'], nak: [] });
    expect(ledger.held).toBe(0);
    expect(ledger.heldBytes).toBe(0);
  });

  it('acks at once a delivery with no lines to archive', () => {
    const ledger = new SettlementLedger<string>();
    const { token } = ledger.receive(9, 'empty', 10);
    expect(ledger.attach(token, 0)).toBe('empty');
    expect(ledger.held).toBe(0);
  });

  it('naks as soon as one part failed, never acks it later, and takes its redelivery as new', () => {
    const ledger = new SettlementLedger<string>();
    const a = ledger.receive(1, 'msg1', 100).token;
    ledger.attach(a, 2);
    expect(ledger.settle([a], false)).toEqual({ ack: [], nak: ['msg1'] });
    expect(ledger.heldBytes).toBe(0);
    const again = ledger.receive(1, 'msg1-redelivered', 100);
    expect(again.duplicate).toBe(false);
    expect(again.token).not.toBe(a);
    expect(ledger.settle([a], true)).toEqual({ ack: [], nak: [] });
    ledger.attach(again.token, 1);
    expect(ledger.settle([again.token], true)).toEqual({ ack: ['msg1-redelivered'], nak: [] });
  });

  it('takes a redelivery of a message still held as the same delivery, acking the newest handle', () => {
    const ledger = new SettlementLedger<string>();
    const a = ledger.receive(5, 'first', 10);
    ledger.attach(a.token, 1);
    const b = ledger.receive(5, 'second', 10);
    expect(b).toEqual({ token: a.token, duplicate: true });
    expect(ledger.heldBytes).toBe(10);
    expect(ledger.settle([a.token], true).ack).toEqual(['second']);
  });

  it('hands out long-held handles for working(), and everything unsettled on shutdown', () => {
    const ledger = new SettlementLedger<string>();
    ledger.attach(ledger.receive(1, 'old', 1, 1000).token, 1);
    ledger.attach(ledger.receive(2, 'new', 1, 5000).token, 1);
    expect(ledger.heldSince(2000)).toEqual(['old']);
    expect(ledger.releaseAll().sort()).toEqual(['new', 'old']);
    expect(ledger.held).toBe(0);
  });
});
