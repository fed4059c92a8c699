// The limits shared by replicas, against the real NATS of the test stack: two "replicas" are two
// connections, each with its own instance, sharing one KV bucket (unique per run).
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { LimitsUnavailableError, SharedLimitsStore, SharedSlots, SharedTokenBuckets, SharedWindowCounter } from '../src';
import { testNatsUrl } from './nats-env';

const bucket = `mtest_limits_${Date.now().toString(36)}`;
const connections: NatsConnection[] = [];

async function replica(): Promise<{ nc: NatsConnection; store: SharedLimitsStore }> {
  const nc = await connect({ servers: testNatsUrl(), name: 'shared-limits-test' });
  connections.push(nc);
  return { nc, store: new SharedLimitsStore(nc, { replicas: 1, bucket, timeoutMs: 2000 }) };
}

afterAll(async () => {
  const nc = connections.find((c) => !c.isClosed());
  if (nc) await (await new Kvm(nc).open(bucket)).destroy().catch(() => undefined);
  await Promise.all(connections.map((c) => (c.isClosed() ? undefined : c.close())));
});

describe('SharedTokenBuckets across two replicas', () => {
  it('admits what one bucket allows, not twice that, when both replicas are pushed flat out', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const rate = 1000;
    const burstSeconds = 1;
    const replicas = [a, b].map((r) => new SharedTokenBuckets(r.store, { burstSeconds, syncMs: 100 }));
    const admitted = [0, 0];
    const durationMs = 3000;
    const started = Date.now();
    // Each replica sends 20-line requests as fast as it is allowed, like a client retrying at once.
    await Promise.all(replicas.map(async (buckets, i) => {
      while (Date.now() - started < durationMs) {
        const wait = await buckets.take('acme', rate, 20);
        if (wait === 0) admitted[i] += 20;
        else await new Promise((r) => setTimeout(r, Math.min(wait, 20)));
      }
    }));
    const elapsed = (Date.now() - started) / 1000;
    await Promise.all(replicas.map((r) => r.close()));
    const total = admitted[0] + admitted[1];
    const oneBucket = rate * (elapsed + burstSeconds);
    // Tolerance: each replica may admit one sync interval's worth (and a request) the other has not seen yet.
    expect(total).toBeLessThanOrEqual(oneBucket + 2 * (rate * 0.1 + 20) + rate * 0.1);
    expect(total).toBeGreaterThanOrEqual(0.85 * rate * elapsed);
    // Both replicas got a share: they are enforcing one limit together, not one each.
    expect(Math.min(...admitted)).toBeGreaterThan(0.2 * total);
  }, 20000);
});

describe('SharedWindowCounter across two replicas', () => {
  it('counts every hit once, whichever replica took it', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const counters = [a, b].map((r) => new SharedWindowCounter(r.store, { prefix: 'login', windowMs: 60_000 }));
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => counters[i % 2].hit('198.51.100.7')));
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await counters[0].hit('198.51.100.8')).count).toBe(1);
  });
});

describe('SharedSlots across two replicas', () => {
  it('never lets the two replicas hold more than the maximum together', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const slots = [a, b].map((r) => new SharedSlots(r.store, { prefix: 'tails', leaseMs: 5000 }));
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => slots[i % 2].acquire('acme', 5)));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(slots[0].heldHere('acme') + slots[1].heldHere('acme')).toBe(5);
    // A slot given back on one replica can be taken on the other.
    const holder = slots[0].heldHere('acme') > 0 ? 0 : 1;
    await slots[holder].release('acme');
    expect(await slots[1 - holder].acquire('acme', 5)).toBe(true);
    expect(await slots[holder].acquire('acme', 5)).toBe(false);
    await Promise.all(slots.map((s) => s.close()));
    expect(await new SharedSlots(a.store, { prefix: 'tails' }).acquire('acme', 1)).toBe(true);
  }, 20000);

  it('frees the slots of a replica that died without giving them back once its lease runs out', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const dying = new SharedSlots(a.store, { prefix: 'tails', leaseMs: 1500 });
    const survivor = new SharedSlots(b.store, { prefix: 'tails', leaseMs: 1500 });
    expect(await dying.acquire('globex', 2)).toBe(true);
    expect(await dying.acquire('globex', 2)).toBe(true);
    await a.nc.close(); // killed: no release, no renewal
    expect(await survivor.acquire('globex', 2)).toBe(false);
    await new Promise((r) => setTimeout(r, 1700));
    expect(await survivor.acquire('globex', 2)).toBe(true);
    expect(await survivor.acquire('globex', 2)).toBe(true);
    expect(await survivor.acquire('globex', 2)).toBe(false);
    // The dead replica's store says so; its slots fall back to its own count.
    await expect(a.store.read('tails.globex')).rejects.toBeInstanceOf(LimitsUnavailableError);
    expect(await dying.acquire('globex', 3)).toBe(true); // 2 held locally < 3: decided alone
    await Promise.all([survivor.close(), dying.close()]);
  }, 20000);
});
