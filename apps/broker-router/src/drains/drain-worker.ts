import { randomUUID } from 'node:crypto';
import { DrainBuffer } from './drain-buffer';
import { DeliveryError, type DrainSender } from './senders';
import type { DrainLine } from './framing';

export interface DrainCounters {
  /** Lines the endpoint accepted. */
  delivered: number;
  /** Delivery attempts that failed. */
  failed: number;
  /** Lines that will never be delivered: pushed out of a full buffer, or in a batch given up on. */
  dropped: number;
}

export interface DrainStatusSnapshot extends DrainCounters {
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  /** Lines waiting in this replica's buffer. */
  buffered: number;
}

export interface DrainWorkerOptions {
  id: string;
  tenant: string;
  name: string;
  sender: DrainSender;
  bufferLines: number;
  bufferBytes: number;
  batchLines: number;
  flushMs: number;
  maxAttempts: number;
  backoffMaxMs: number;
  /** Told of outcomes for metrics. */
  onOutcome?: (outcome: 'delivered' | 'dropped_overflow' | 'dropped_failed', lines: number) => void;
  onAttempt?: (ok: boolean) => void;
}

/**
 * Delivers one drain's lines: a bounded buffer filled by the router (never waiting), and one
 * loop that takes batches and sends them, retrying with doubling back-off. Nothing here can
 * block the router or another drain; when the endpoint cannot keep up, lines are dropped,
 * counted, and announced (see `takeDroppedForReport`).
 */
export class DrainWorker {
  readonly buffer: DrainBuffer;
  private running = true;
  private wake?: () => void;
  private loop?: Promise<void>;
  /** Counters not yet written to PostgreSQL. */
  private unflushed: DrainCounters = { delivered: 0, failed: 0, dropped: 0 };
  /** Since the process started (for status answers). */
  readonly totals: DrainCounters = { delivered: 0, failed: 0, dropped: 0 };
  lastError: string | null = null;
  lastErrorAt: number | null = null;
  lastSuccessAt: number | null = null;
  /** Dropped since the last error report / since the last notice sent down the drain. */
  private droppedForReport = 0;
  private droppedForNotice = 0;
  private droppedSince: number | null = null;

  constructor(readonly options: DrainWorkerOptions) {
    this.buffer = new DrainBuffer(options.bufferLines, options.bufferBytes);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Queue lines for delivery; never waits. */
  offer(lines: DrainLine[]): void {
    if (!this.running || lines.length === 0) return;
    const pushedOut = this.buffer.push(lines);
    if (pushedOut > 0) {
      this.countDropped(pushedOut);
      this.options.onOutcome?.('dropped_overflow', pushedOut);
      if (this.lastErrorAt === null || this.lastError?.startsWith('buffer full') !== true) {
        this.noteError(`buffer full: the endpoint is too slow or down (${this.lastError ?? 'no delivery yet'})`);
      }
    }
    this.wake?.();
  }

  /** Move another worker's waiting lines here (the drain was edited). */
  adopt(lines: DrainLine[]): void {
    this.offer(lines);
  }

  private countDropped(n: number): void {
    this.unflushed.dropped += n;
    this.totals.dropped += n;
    this.droppedForReport += n;
    this.droppedForNotice += n;
    this.droppedSince ??= Date.now();
  }

  private noteError(message: string): void {
    this.lastError = message.slice(0, 500);
    this.lastErrorAt = Date.now();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.buffer.length === 0) await this.sleep(60_000);
      if (!this.running) break;
      // Give a trickle a moment to become a batch.
      if (this.buffer.length > 0 && this.buffer.length < this.options.batchLines) await this.sleep(this.options.flushMs, true);
      const lines = this.buffer.take(this.options.batchLines);
      if (lines.length === 0) continue;
      let notice = 0;
      if (this.droppedForNotice > 0) {
        notice = this.droppedForNotice;
        lines.unshift(this.notice(notice, this.droppedSince ?? Date.now()));
        this.droppedForNotice = 0;
      }
      // The notice line itself is not counted; if it is lost, the next batch carries its count.
      if (!(await this.deliver(lines, notice > 0 ? 1 : 0))) this.droppedForNotice += notice;
    }
  }

  /** Logplex tells a drain about its own gaps in-band (L10); so do we. */
  private notice(dropped: number, since: number): DrainLine {
    return {
      ts: Date.now(), app: 'millrace', host: 'millrace', procId: 'drain', level: 'error',
      line: `Error L10 (output buffer overflow): ${dropped} messages dropped since ${new Date(since).toISOString()}.`,
    };
  }

  /** Send one batch until it is delivered (true) or given up on (false). */
  private async deliver(lines: DrainLine[], uncounted: number): Promise<boolean> {
    const count = lines.length - uncounted;
    const frameId = randomUUID(); // the same id on every retry of this batch
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.sender.send(lines, frameId);
        this.options.onAttempt?.(true);
        this.unflushed.delivered += count;
        this.totals.delivered += count;
        this.lastSuccessAt = Date.now();
        this.options.onOutcome?.('delivered', count);
        return true;
      } catch (error) {
        this.options.onAttempt?.(false);
        this.unflushed.failed++;
        this.totals.failed++;
        const permanent = error instanceof DeliveryError && error.permanent;
        this.noteError((error as Error).message || String(error));
        if (permanent || attempt >= this.options.maxAttempts || !this.running) {
          this.countDropped(count);
          this.options.onOutcome?.('dropped_failed', count);
          return false;
        }
        await this.sleep(Math.min(this.options.backoffMaxMs, 500 * 2 ** (attempt - 1)));
      }
    }
  }

  private sleep(ms: number, untilFull = false): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = untilFull
        ? () => {
            if (this.buffer.length >= this.options.batchLines || !this.running) done();
          }
        : ms >= 60_000 ? done : () => {
            if (!this.running) done();
          };
    });
  }

  /** Counters since the last call (for the periodic flush to PostgreSQL); reset. */
  takeUnflushed(): DrainCounters {
    const out = this.unflushed;
    this.unflushed = { delivered: 0, failed: 0, dropped: 0 };
    return out;
  }

  /** Give counters back after a failed flush. */
  restoreUnflushed(c: DrainCounters): void {
    this.unflushed.delivered += c.delivered;
    this.unflushed.failed += c.failed;
    this.unflushed.dropped += c.dropped;
  }

  peekUnflushed(): DrainCounters {
    return { ...this.unflushed };
  }

  /** Lines dropped since the last report, and since when (reset). */
  takeDroppedForReport(): { dropped: number; since: number } | undefined {
    if (this.droppedForReport === 0) return undefined;
    const out = { dropped: this.droppedForReport, since: this.droppedSince ?? Date.now() };
    this.droppedForReport = 0;
    if (this.droppedForNotice === 0) this.droppedSince = null;
    return out;
  }

  /** Stop delivering; returns the lines still waiting (for a successor). */
  async stop(waitMs = 0): Promise<DrainLine[]> {
    this.running = false;
    this.wake?.();
    if (waitMs > 0 && this.loop) await Promise.race([this.loop, new Promise((r) => setTimeout(r, waitMs).unref())]);
    this.options.sender.close();
    return this.buffer.take(Number.MAX_SAFE_INTEGER);
  }
}
