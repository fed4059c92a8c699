/** The text of the canary's line number `seq` in run `run`, and back. One definition for writer and readers. */
export function lineText(run: string, seq: number): string {
  return `canary ${run} ${seq}`;
}

/** The sequence number of one of this run's lines, else undefined. */
export function seqOf(run: string, message: unknown): number | undefined {
  if (typeof message !== 'string') return undefined;
  const prefix = `canary ${run} `;
  if (!message.startsWith(prefix)) return undefined;
  const seq = Number(message.slice(prefix.length));
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

/** A run id: lower-case letters and digits, one word for the query language. */
export function newRunId(now = Date.now(), random = Math.random): string {
  return `c${now.toString(36)}${Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0')}`;
}

/** Seconds of a Retry-After header (delta seconds only), bounded; undefined when absent or odd. */
export function retryAfterMs(header: string | null, capMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(capMs, seconds * 1000) : undefined;
}
