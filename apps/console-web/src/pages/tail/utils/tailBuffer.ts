import type { LogEvent } from '../../../api/types';

/** What the tail shows: lines, and notices where the server dropped lines or the stream has a gap. */
export type TailItem =
  | { kind: 'line'; key: string; event: LogEvent }
  | { kind: 'notice'; key: string; text: string; tone: 'warn' | 'info' };

/**
 * The live tail's lines, bounded: at most `limit` items are kept for rendering, and whatever
 * scrolls out is counted instead, so memory stays flat however long the tail runs.
 */
export class TailBuffer {
  private items: TailItem[] = [];
  private seq = 0;
  /** Lines that arrived (kept or scrolled out). */
  received = 0;
  /** Lines no longer shown because newer ones replaced them. */
  scrolledOut = 0;
  /** Lines the server said this client missed. */
  dropped = 0;

  constructor(readonly limit: number) {}

  addLines(events: LogEvent[]): void {
    for (const event of events) this.items.push({ kind: 'line', key: `l${this.seq++}`, event });
    this.received += events.length;
    this.trim();
  }

  addNotice(text: string, tone: 'warn' | 'info' = 'warn'): void {
    this.items.push({ kind: 'notice', key: `n${this.seq++}`, text, tone });
    this.trim();
  }

  addDropped(count: number): void {
    this.dropped += count;
    this.addNotice(`${count.toLocaleString('en-US')} lines dropped by the server here: this page could not keep up`);
  }

  clear(): void {
    this.items = [];
    this.received = 0;
    this.scrolledOut = 0;
    this.dropped = 0;
  }

  /** A copy to render (the buffer itself keeps changing). */
  snapshot(): TailItem[] {
    return this.items.slice();
  }

  private trim(): void {
    const over = this.items.length - this.limit;
    if (over <= 0) return;
    const removed = this.items.splice(0, over);
    this.scrolledOut += removed.filter((i) => i.kind === 'line').length;
  }
}
