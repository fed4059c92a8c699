import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Ledger } from './ledger';
import { seqOf } from './lines';
import { BackgroundLoop } from './loop';
import type { CanaryMetrics } from './metrics';
import { sleep } from './writer';

export interface TailReaderOptions {
  /** Tried from the last to the first: the tail sits on the last replica until it fails. */
  queryUrls: string[];
  readKey: string;
  run: string;
  ledger: Ledger;
  metrics: CanaryMetrics;
  log: (message: string) => void;
}

/**
 * Follows the run's lines on the live tail (SSE). When the stream breaks (the replica went away)
 * it reconnects, to the next replica, with Last-Event-ID, and so gets exactly the lines that
 * followed the last one it received.
 */
export class TailReader extends BackgroundLoop {
  private abort?: AbortController;
  private lastEventId?: string;
  private ready?: () => void;
  readonly whenReady: Promise<void>;
  /** Lines the server said this client missed (`dropped`). */
  dropped = 0;
  reconnects = 0;

  constructor(private readonly options: TailReaderOptions) {
    super();
    this.whenReady = new Promise((resolve) => (this.ready = resolve));
  }

  protected override interrupt(): void {
    this.abort?.abort();
  }

  protected async run(): Promise<void> {
    const o = this.options;
    for (let attempt = 0; this.running; attempt++) {
      const url = o.queryUrls[o.queryUrls.length - 1 - (attempt % o.queryUrls.length)];
      try {
        await this.follow(url);
      } catch (error) {
        if (!this.running) break;
        o.log(`tail on ${url} ended: ${(error as Error).message}; reconnecting${this.lastEventId ? ` after ${this.lastEventId}` : ''}`);
      }
      if (!this.running) break;
      this.reconnects++;
      o.metrics.tailReconnects.inc();
      await sleep(250);
    }
  }

  private async follow(url: string): Promise<void> {
    const o = this.options;
    const abort = (this.abort = new AbortController());
    const params = new URLSearchParams({ q: o.run, backlog: '0' });
    const headers: Record<string, string> = { authorization: `Bearer ${o.readKey}`, accept: 'text/event-stream' };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    // The timeout covers the answer only: a quiet stream afterwards is fine (heartbeats keep it open).
    const connecting = setTimeout(() => abort.abort(new Error('no answer within 10 s')), 10_000);
    let reply: Response;
    try {
      reply = await fetch(`${url}/v1/tail?${params}`, { headers, signal: abort.signal });
    } finally {
      clearTimeout(connecting);
    }
    if (!reply.ok || !reply.body) throw new Error(`answered ${reply.status}`);
    const parser = createParser({ onEvent: (message) => this.onMessage(message) });
    const decoder = new TextDecoder();
    const reader = reply.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream closed');
      parser.feed(decoder.decode(value, { stream: true }));
    }
  }

  private onMessage(message: EventSourceMessage): void {
    const o = this.options;
    if (message.event === 'ready') {
      this.ready?.();
      return;
    }
    if (message.event === 'dropped') {
      const count = Number((JSON.parse(message.data) as { count?: number }).count) || 0;
      this.dropped += count;
      o.metrics.tailDropped.inc(count);
      return;
    }
    if (message.event === 'gap') {
      o.log('the tail reports a gap: its resume point is older than the stream keeps');
      return;
    }
    if (message.event && message.event !== 'message') return;
    if (message.id) this.lastEventId = message.id;
    const event = JSON.parse(message.data) as { id?: string; message?: string };
    const seq = seqOf(o.run, event.message);
    if (seq !== undefined && event.id) o.ledger.found('tail', seq, event.id, Date.now());
  }
}
