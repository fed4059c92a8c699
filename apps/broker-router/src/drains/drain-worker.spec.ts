import { DrainWorker, type DrainWorkerOptions } from './drain-worker';
import { DeliveryError, type DrainSender } from './senders';
import type { DrainLine } from './framing';

const l = (n: number): DrainLine => ({ ts: n, app: 'a', host: 'h', line: `line ${n}` });
const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

class FakeSender implements DrainSender {
  batches: DrainLine[][] = [];
  failNext = 0;
  permanent = false;
  block?: Promise<void>;
  calls = 0;
  async send(lines: DrainLine[]): Promise<void> {
    this.calls++;
    if (this.block) await this.block;
    if (this.failNext > 0) {
      this.failNext--;
      throw new DeliveryError('endpoint down', this.permanent);
    }
    this.batches.push(lines);
  }
  close(): void {}
}

function worker(sender: DrainSender, extra: Partial<DrainWorkerOptions> = {}): DrainWorker {
  const w = new DrainWorker({ id: 'd1', tenant: 't', name: 'test', sender, bufferLines: 100, bufferBytes: 1e9, batchLines: 10, flushMs: 5, maxAttempts: 3, backoffMaxMs: 20, ...extra });
  w.start();
  return w;
}

describe('DrainWorker', () => {
  it('delivers in batches, in order, and counts', async () => {
    const s = new FakeSender();
    const w = worker(s);
    w.offer(Array.from({ length: 25 }, (_, i) => l(i)));
    await until(() => w.totals.delivered === 25);
    expect(s.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(s.batches.flat().map((x) => x.ts)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(w.lastSuccessAt).not.toBeNull();
    expect(w.takeUnflushed()).toEqual({ delivered: 25, failed: 0, dropped: 0 });
    await w.stop();
  });

  it('retries a failed batch with back-off and delivers it once the endpoint is back', async () => {
    const s = new FakeSender();
    s.failNext = 2;
    const w = worker(s);
    w.offer([l(1), l(2)]);
    await until(() => w.totals.delivered === 2);
    expect(w.totals).toEqual({ delivered: 2, failed: 2, dropped: 0 });
    expect(w.lastError).toBe('endpoint down');
    await w.stop();
  });

  it('drops a batch after the last attempt, or at once when the failure is permanent, and counts it', async () => {
    const s = new FakeSender();
    s.failNext = 3;
    const w = worker(s);
    w.offer([l(1)]);
    await until(() => w.totals.dropped === 1);
    expect(w.totals.failed).toBe(3);
    s.failNext = 1;
    s.permanent = true;
    w.offer([l(2)]);
    await until(() => w.totals.dropped === 2);
    expect(w.totals.failed).toBe(4);
    // The in-band notice of the first loss went with the failed batch: the next one carries both.
    s.permanent = false;
    w.offer([l(3)]);
    await until(() => w.totals.delivered === 1);
    expect(s.batches[0].map((x) => x.line)).toEqual([expect.stringMatching(/^Error L10 .*: 2 messages dropped/), 'line 3']);
    await w.stop();
  });

  it('never makes the caller wait: a stuck endpoint fills the buffer, old lines are dropped and reported', async () => {
    const s = new FakeSender();
    let release!: () => void;
    s.block = new Promise((r) => (release = r));
    const w = worker(s);
    w.offer(Array.from({ length: 10 }, (_, i) => l(i)));
    await until(() => s.calls === 1);
    const started = Date.now();
    for (let i = 10; i < 500; i++) w.offer([l(i)]);
    expect(Date.now() - started).toBeLessThan(200);
    // 10 in flight, 100 buffered, the rest pushed out.
    expect(w.totals.dropped).toBe(390);
    expect(w.lastError).toMatch(/buffer full/);
    expect(w.takeDroppedForReport()).toMatchObject({ dropped: 390 });
    expect(w.takeDroppedForReport()).toBeUndefined();
    s.block = undefined;
    release();
    await until(() => w.totals.delivered === 110);
    // The drain itself is told about the gap, in-band, before the lines that follow it.
    const notice = s.batches[1][0];
    expect(notice.line).toMatch(/^Error L10 \(output buffer overflow\): 390 messages dropped since /);
    expect(s.batches[1][1].ts).toBe(400); // lines 10..399 were pushed out
    await w.stop();
  });
});
