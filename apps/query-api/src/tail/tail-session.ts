import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { STREAMS, decodeEventBatch, eventsSubject, type LogEvent } from '@millrace/log-schema';
import type { EventMatcher } from '@millrace/query-language';
import { OutboundQueue, type TailMessage } from './outbound-queue';
import { formatTailId } from './tail-id';

/** How a tail reaches its client (SSE response or WebSocket). */
export interface TailSink {
  /** Send one message; false when the transport's buffer is full (then `onceDrained`). */
  send(message: TailMessage): boolean;
  /** Called once the transport can take more. */
  onceDrained(callback: () => void): void;
  /** Keep an idle connection open through proxies. */
  heartbeat(): void;
  /** End the connection; `abort` cuts a stalled client off without a goodbye. */
  close(abort: boolean): void;
}

export interface TailOptions {
  tenant: string;
  matcher: EventMatcher;
  /** Matching lines to send first, from before the tail started. */
  backlog: number;
  /** Resume after this id (Last-Event-ID) instead of sending a backlog. */
  resume?: { seq: number; index: number };
  bufferLines: number;
  bufferBytes: number;
  /** A client whose transport stays full this long is cut off. */
  stallMs: number;
  heartbeatMs: number;
  /** Bounds of the backlog search: EVENTS messages decoded, and time. */
  backlogScanMessages?: number;
  backlogScanMs?: number;
}

export type TailEndReason = 'client' | 'stalled' | 'error' | 'shutdown';

/**
 * One live tail: an ephemeral ordered consumer on `events.<tenant>` from a start sequence,
 * filtered by the query in memory, feeding a bounded per-client queue. Everything matching is
 * delivered in stream order; what a slow client cannot take is counted and announced.
 */
export class TailSession {
  private readonly queue: OutboundQueue;
  private messages?: ConsumerMessages;
  private blocked = false;
  private stallTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private closed = false;
  sent = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly sink: TailSink,
    private readonly options: TailOptions,
    private readonly onEnd: (reason: TailEndReason, session: TailSession) => void,
  ) {
    this.queue = new OutboundQueue(options.bufferLines, options.bufferBytes);
  }

  get dropped(): number {
    return this.queue.droppedTotal;
  }

  async start(): Promise<void> {
    const { tenant, resume } = this.options;
    let startSeq: number;
    let skip: { seq: number; index: number } | undefined;
    if (resume) {
      const info = await this.jsm.streams.info(STREAMS.EVENTS);
      if (resume.seq < info.state.first_seq) {
        startSeq = info.state.first_seq;
        this.queue.pushControl({ type: 'gap', reason: 'expired', requested: formatTailId(resume.seq, resume.index), resumedAt: formatTailId(startSeq, 0) });
      } else {
        startSeq = resume.seq;
        skip = resume;
      }
      this.queue.pushControl({ type: 'ready', backlog: 0, resumed: true });
    } else {
      const { lines, next } = await this.backlog();
      for (const l of lines) this.queue.pushLine(l.id, l.event);
      this.queue.pushControl({ type: 'ready', backlog: lines.length, resumed: false });
      startSeq = next;
    }
    if (this.closed) return;
    this.heartbeatTimer = setInterval(() => {
      if (!this.blocked && this.queue.length === 0 && !this.closed) this.sink.heartbeat();
    }, this.options.heartbeatMs);
    this.heartbeatTimer.unref();
    this.pump();
    const consumer = await this.js.consumers.get(STREAMS.EVENTS, {
      filter_subjects: [eventsSubject(tenant)],
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
    });
    if (this.closed) return;
    this.messages = await consumer.consume({ max_messages: 16 });
    void this.live(this.messages, skip);
  }

  private async live(messages: ConsumerMessages, skip: { seq: number; index: number } | undefined): Promise<void> {
    try {
      for await (const m of messages) {
        if (this.closed) break;
        const events = this.decode(m.data);
        const skipThrough = skip && m.seq === skip.seq ? skip.index : -1;
        skip = undefined;
        for (let i = skipThrough + 1; i < events.length; i++) {
          if (this.options.matcher(events[i])) this.queue.pushLine(formatTailId(m.seq, i), events[i]);
        }
        this.pump();
      }
    } catch {
      this.end('error');
    }
  }

  private decode(data: Uint8Array): LogEvent[] {
    try {
      const batch = decodeEventBatch(data);
      // The subject filter already scopes to the tenant; the payload is checked as well.
      return batch.tenant === this.options.tenant ? batch.events : [];
    } catch {
      return [];
    }
  }

  /**
   * The last `backlog` matching lines before now, and the sequence live reading starts from.
   * Reads backwards in growing windows of stream sequences (the tenant's messages only, filtered
   * by the server), bounded by messages decoded and time.
   */
  private async backlog(): Promise<{ lines: Array<{ id: string; event: LogEvent }>; next: number }> {
    const { tenant, backlog: wanted } = this.options;
    const info = await this.jsm.streams.info(STREAMS.EVENTS);
    const last = wanted > 0 ? await this.jsm.streams.getMessage(STREAMS.EVENTS, { last_by_subj: eventsSubject(tenant) }).catch(() => null) : null;
    if (!last) return { lines: [], next: info.state.last_seq + 1 };
    const chunks: Array<Array<{ id: string; event: LogEvent }>> = [];
    const deadline = Date.now() + (this.options.backlogScanMs ?? 2000);
    let budget = this.options.backlogScanMessages ?? 200;
    let found = 0;
    let hi = last.seq;
    let window = 256;
    while (found < wanted && hi >= info.state.first_seq && budget > 0 && Date.now() < deadline && !this.closed) {
      const lo = Math.max(info.state.first_seq, hi - window + 1);
      const chunk: Array<{ id: string; event: LogEvent }> = [];
      await this.readRange(lo, hi, deadline, (seq, events) => {
        budget--;
        events.forEach((e, i) => {
          if (this.options.matcher(e)) chunk.push({ id: formatTailId(seq, i), event: e });
        });
      });
      chunks.unshift(chunk);
      found += chunk.length;
      hi = lo - 1;
      window *= 8;
    }
    return { lines: chunks.flat().slice(-wanted), next: last.seq + 1 };
  }

  private async readRange(lo: number, hi: number, deadline: number, each: (seq: number, events: LogEvent[]) => void): Promise<void> {
    const consumer = await this.js.consumers.get(STREAMS.EVENTS, {
      filter_subjects: [eventsSubject(this.options.tenant)],
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: lo,
    });
    const messages = await consumer.consume({ max_messages: 16 });
    const timer = setTimeout(() => messages.stop(), Math.max(100, deadline - Date.now()));
    try {
      for await (const m of messages) {
        if (m.seq > hi) break;
        each(m.seq, this.decode(m.data));
        if (m.seq >= hi || m.info.pending === 0) break;
      }
    } finally {
      clearTimeout(timer);
      messages.stop();
    }
  }

  /** Move queued messages to the transport until it is full; a transport full for too long ends the tail. */
  private pump(): void {
    while (!this.blocked && !this.closed) {
      const item = this.queue.shift();
      if (!item) return;
      if (item.type === 'line') this.sent++;
      if (!this.sink.send(item)) {
        this.blocked = true;
        this.stallTimer = setTimeout(() => this.end('stalled'), this.options.stallMs);
        this.sink.onceDrained(() => {
          clearTimeout(this.stallTimer);
          this.blocked = false;
          this.pump();
        });
      }
    }
  }

  /** End the tail (idempotent): stop reading, release the consumer, close the connection. */
  end(reason: TailEndReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.stallTimer);
    clearInterval(this.heartbeatTimer);
    this.messages?.stop();
    if (reason !== 'client') this.sink.close(reason === 'stalled');
    this.onEnd(reason, this);
  }
}
