import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { HEADERS, PoisonMessageError } from '@millrace/log-schema';
import { BatchConsumer, ensureStreams, pipelineStreamConfigs, PermanentFailure } from '../src';
import { testNatsUrl } from './nats-env';

let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const run = Date.now().toString(36);
const stream = `MTEST_${run}`.toUpperCase();
const consumers: Array<BatchConsumer<unknown>> = [];

const decode = (data: Uint8Array): { n: number } => {
  const value = JSON.parse(new TextDecoder().decode(data)) as { n?: unknown };
  if (typeof value.n !== 'number') throw new PoisonMessageError('n is missing');
  return { n: value.n };
};

async function publish(name: string, values: unknown[]): Promise<void> {
  for (const v of values) await js.publish(`mtest${run}.${name}${run}`, typeof v === 'string' ? v : JSON.stringify(v));
}

function consumer(name: string, handle: (value: { n: number }, msg: JsMsg) => Promise<void>, extra: object = {}) {
  // Durable names double as tenants: unique per run, because the DLQ stream outlives runs.
  const durable = `${name}${run}`;
  const c = new BatchConsumer({
    js, jsm, stream, durable, stage: 'parse', decode, handle,
    filterSubject: `mtest${run}.${durable}`, backoffMs: [20], ackWaitMs: 5000, ...extra,
  });
  consumers.push(c as BatchConsumer<unknown>);
  return c;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The last dead letter of a consumer, or undefined while there is none. */
async function deadLetter(name: string) {
  return (await jsm.streams.getMessage('DLQ', { last_by_subj: `dlq.parse.${name}${run}` })) ?? undefined;
}

beforeAll(async () => {
  nc = await connect({ servers: testNatsUrl() });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, pipelineStreamConfigs({ JETSTREAM_REPLICAS: 1, JETSTREAM_MAX_AGE_HOURS: 1, JETSTREAM_MAX_BYTES: 256 * 1024 * 1024 }));
  await jsm.streams.add({ name: stream, subjects: [`mtest${run}.>`] });
});

afterAll(async () => {
  for (const c of consumers) await c.stop(1000);
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.drain();
});

describe('BatchConsumer', () => {
  it('acks every message after its handler resolves', async () => {
    const seen: number[] = [];
    await consumer('ok', async ({ n }) => void seen.push(n)).start();
    await publish('ok', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await until(() => seen.length === 3);
    await until(async () => (await jsm.consumers.info(stream, `ok${run}`)).num_ack_pending === 0);
    expect(seen.sort()).toEqual([1, 2, 3]);
  });

  it('naks a passing failure and processes the redelivery', async () => {
    const attempts: number[] = [];
    await consumer('retry', async (_, msg) => {
      attempts.push(msg.info.deliveryCount);
      if (msg.info.deliveryCount === 1) throw new Error('downstream hiccup');
    }).start();
    await publish('retry', [{ n: 1 }]);
    await until(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
  });

  it('dead-letters poison at once, with its reason and origin, without calling the handler', async () => {
    const handled: number[] = [];
    await consumer('poison', async ({ n }) => void handled.push(n)).start();
    await publish('poison', ['{"broken"', { n: 7 }]);
    await until(() => handled.length === 1);
    await until(async () => (await deadLetter('poison')) !== undefined);
    const dead = (await deadLetter('poison'))!;
    expect(new TextDecoder().decode(dead.data)).toBe('{"broken"');
    expect(dead.header.get(HEADERS.dlqReason)).toMatch(/SyntaxError/);
    expect(dead.header.get(HEADERS.dlqSubject)).toBe(`mtest${run}.poison${run}`);
    expect(dead.header.get(HEADERS.dlqStream)).toBe(stream);
    expect(handled).toEqual([7]);
  });

  it('dead-letters after the last delivery, and a permanent failure at once', async () => {
    let calls = 0;
    await consumer('exhaust', async () => {
      calls++;
      throw new Error('always fails');
    }, { maxDeliver: 3 }).start();
    await publish('exhaust', [{ n: 1 }]);
    await until(async () => (await deadLetter('exhaust')) !== undefined);
    const dead = (await deadLetter('exhaust'))!;
    expect(calls).toBe(3);
    expect(dead.header.get(HEADERS.dlqDeliveries)).toBe('3');
    expect(dead.header.get(HEADERS.dlqReason)).toMatch(/always fails/);

    let permanentCalls = 0;
    await consumer('permanent', async () => {
      permanentCalls++;
      throw new PermanentFailure('document rejected');
    }).start();
    await publish('permanent', [{ n: 1 }]);
    await until(async () => (await deadLetter('permanent')) !== undefined);
    expect(permanentCalls).toBe(1);
  });

  it('keeps at most `concurrency` handlers in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    await consumer('bounded', async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      done++;
    }, { concurrency: 2 }).start();
    await publish('bounded', Array.from({ length: 12 }, (_, n) => ({ n })));
    await until(() => done === 12);
    expect(peak).toBe(2);
  });
});
