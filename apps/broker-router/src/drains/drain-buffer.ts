import { drainLineBytes, type DrainLine } from './framing';

/**
 * A drain's bounded buffer: at most `maxLines` lines and `maxBytes` bytes. When a slow or
 * unreachable endpoint lets it fill, the oldest lines make room for new ones (the freshest logs
 * are the most useful once the endpoint is back) and every line pushed out is counted.
 */
export class DrainBuffer {
  private lines: DrainLine[] = [];
  private head = 0;
  private bytes = 0;
  /** Lines pushed out since the counter was last taken. */
  private overflowed = 0;

  constructor(readonly maxLines: number, readonly maxBytes: number) {}

  get length(): number {
    return this.lines.length - this.head;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** Add lines; returns how many (old) lines were pushed out to make room. */
  push(lines: DrainLine[]): number {
    let dropped = 0;
    for (const line of lines) {
      const size = drainLineBytes(line);
      if (size > this.maxBytes) {
        dropped++;
        continue;
      }
      this.lines.push(line);
      this.bytes += size;
      while (this.length > this.maxLines || this.bytes > this.maxBytes) {
        this.bytes -= drainLineBytes(this.lines[this.head++]);
        dropped++;
      }
    }
    this.compact();
    this.overflowed += dropped;
    return dropped;
  }

  /** Take up to `max` of the oldest lines. */
  take(max: number): DrainLine[] {
    const end = Math.min(this.lines.length, this.head + max);
    const out = this.lines.slice(this.head, end);
    this.head = end;
    for (const l of out) this.bytes -= drainLineBytes(l);
    this.compact();
    return out;
  }

  /** Lines pushed out since the last call (and reset). */
  takeOverflowed(): number {
    const n = this.overflowed;
    this.overflowed = 0;
    return n;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }
}
