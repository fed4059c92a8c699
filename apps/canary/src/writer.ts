import type { Ledger } from './ledger';
import { lineText, retryAfterMs } from './lines';
import { BackgroundLoop } from './loop';
import type { CanaryMetrics } from './metrics';

export interface WriterOptions {
  gateways: string[];
  ingestKey: string;
  run: string;
  app: string;
  /** Lines per second. */
  rate: number;
  /** Lines per request. */
  batch: number;
  /** A request is retried (same Idempotency-Key, next gateway) for this long, then given up. */
  maxRetryMs: number;
  maxInFlight: number;
  ledger: Ledger;
  metrics: CanaryMetrics;
  phase: () => string;
  log: (message: string) => void;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Writes numbered lines at a steady rate: every batch/rate seconds one request of `batch` lines,
 * round-robin over the gateways, each with its own Idempotency-Key. A request that fails (an
 * answer other than 2xx, or no answer) is retried with the same key on the next gateway after
 * Retry-After or a short back-off, so a request stored in part or whose answer was lost is
 * stored once; after `maxRetryMs` its lines are given up (unacknowledged, not expected).
 */
export class Writer extends BackgroundLoop {
  private readonly inFlight = new Map<number, number>();
  private nextSeq = 0;
  private requests = 0;

  constructor(private readonly options: WriterOptions) {
    super();
  }

  /** Stop writing; resolves when every request in flight is acknowledged or given up. */
  override async stop(): Promise<void> {
    await super.stop();
    while (this.inFlight.size > 0) await sleep(50);
  }

  /** When the oldest request still waiting for its acknowledgement was first sent (undefined: none). */
  oldestInFlight(): number | undefined {
    let oldest: number | undefined;
    for (const at of this.inFlight.values()) if (oldest === undefined || at < oldest) oldest = at;
    return oldest;
  }

  get written(): number {
    return this.nextSeq;
  }

  protected async run(): Promise<void> {
    const intervalMs = (1000 * this.options.batch) / this.options.rate;
    const started = Date.now();
    for (let tick = 0; this.running; tick++) {
      const due = started + tick * intervalMs;
      if (due > Date.now()) await sleep(due - Date.now());
      if (!this.running) break;
      while (this.inFlight.size >= this.options.maxInFlight && this.running) await sleep(10);
      const seqs = Array.from({ length: this.options.batch }, () => this.nextSeq++);
      void this.send(this.requests++, seqs);
    }
  }

  private async send(request: number, seqs: number[]): Promise<void> {
    const o = this.options;
    const sentAt = Date.now();
    this.inFlight.set(request, sentAt);
    o.ledger.sent(seqs, sentAt, o.phase());
    const body = JSON.stringify({ lines: seqs.map((seq) => ({ line: lineText(o.run, seq), app: o.app, level: 'info', timestamp: sentAt })) });
    const key = `${o.run}-${request}`;
    try {
      for (let attempt = 0; ; attempt++) {
        const gateway = o.gateways[(request + attempt) % o.gateways.length];
        let waitMs = Math.min(2000, 100 * 2 ** attempt);
        try {
          const reply = await fetch(`${gateway}/logs/ingest`, {
            method: 'POST',
            headers: { authorization: `Bearer ${o.ingestKey}`, 'content-type': 'application/json', 'idempotency-key': key },
            body,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          await reply.arrayBuffer().catch(() => undefined);
          if (reply.ok) {
            o.ledger.acked(seqs, Date.now());
            return;
          }
          o.metrics.writeFailures.inc({ reason: String(reply.status) });
          if (reply.status >= 400 && reply.status < 500 && reply.status !== 429 && reply.status !== 408) {
            o.log(`the gateway refused request ${key} for good: ${reply.status}`);
            o.ledger.unacked(seqs);
            return;
          }
          waitMs = retryAfterMs(reply.headers.get('retry-after'), 2000) ?? waitMs;
        } catch (error) {
          o.metrics.writeFailures.inc({ reason: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' });
        }
        if (Date.now() - sentAt + waitMs > o.maxRetryMs) {
          o.log(`gave up request ${key} after ${attempt + 1} attempts (${Date.now() - sentAt} ms)`);
          o.ledger.unacked(seqs);
          return;
        }
        o.metrics.writeRetries.inc();
        await sleep(waitMs);
      }
    } finally {
      this.inFlight.delete(request);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
