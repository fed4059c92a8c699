import type { LogEvent } from '@millrace/log-schema';

/** What a tail sends its client, in order. */
export type TailMessage =
  | { type: 'line'; id: string; event: LogEvent }
  /** Lines that matched but could not be kept for a client that reads too slowly. */
  | { type: 'dropped'; count: number }
  /** The backlog is sent; live lines follow. */
  | { type: 'ready'; backlog: number; resumed: boolean }
  /** A resume point older than the stream's retention: lines in between are gone. */
  | { type: 'gap'; reason: 'expired'; requested: string; resumedAt: string };

/** Rough size of a line held for a client (bounds the buffer in bytes as well as lines). */
function estimate(event: LogEvent): number {
  return 256 + event.message.length * 2;
}

/**
 * A tail client's outgoing buffer, bounded in lines and bytes. When it is full (the client reads
 * more slowly than lines arrive), new lines are not kept; a single `dropped` marker in their
 * place counts them, so the client learns how many it missed, and where.
 */
export class OutboundQueue {
  private items: TailMessage[] = [];
  private head = 0;
  private lines = 0;
  private bytes = 0;
  /** Lines dropped over the queue's life. */
  droppedTotal = 0;

  constructor(readonly maxLines: number, readonly maxBytes: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Queue a line; returns false (and counts it) when the buffer is full. */
  pushLine(id: string, event: LogEvent): boolean {
    const size = estimate(event);
    if (this.lines >= this.maxLines || this.bytes + size > this.maxBytes) {
      this.droppedTotal++;
      const last = this.items[this.items.length - 1];
      if (this.length > 0 && last.type === 'dropped') last.count++;
      else this.items.push({ type: 'dropped', count: 1 });
      return false;
    }
    this.items.push({ type: 'line', id, event });
    this.lines++;
    this.bytes += size;
    return true;
  }

  /** Queue a control message (never dropped; callers send few). */
  pushControl(message: Exclude<TailMessage, { type: 'line' }>): void {
    this.items.push(message);
  }

  shift(): TailMessage | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as never;
    if (item.type === 'line') {
      this.lines--;
      this.bytes -= estimate(item.event);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
