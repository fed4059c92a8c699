import { LIMITS, TRUNCATION_MARKER } from './limits';
import type { RawLine } from './batch';

const encoder = new TextEncoder();

/**
 * Truncate a string to at most maxBytes of UTF-8, appending the marker, without splitting a
 * character. Returns the input unchanged when it fits.
 */
export function truncateUtf8(text: string, maxBytes: number = LIMITS.maxLineBytes): { text: string; truncated: boolean } {
  // Fast path: a UTF-16 length under a third of the budget can never exceed it in UTF-8.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, truncated: false };
  const budget = maxBytes - Buffer.byteLength(TRUNCATION_MARKER, 'utf8');
  const bytes = encoder.encode(text);
  let end = budget;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back up to a character boundary
  return { text: Buffer.from(bytes.subarray(0, end)).toString('utf8') + TRUNCATION_MARKER, truncated: true };
}

/** Rough serialised size of a line; cheap enough for the hot path, errs on the high side. */
function estimateBytes(line: RawLine): number {
  let size = 64 + line.line.length * 3;
  if (line.meta) size += JSON.stringify(line.meta).length;
  return size;
}

/**
 * Split lines into batches that respect both the line-count and byte limits of one broker
 * message. Order is preserved.
 */
export function splitIntoBatches(lines: RawLine[], maxLines: number = LIMITS.maxBatchLines, maxBytes: number = LIMITS.maxBatchBytes): RawLine[][] {
  const batches: RawLine[][] = [];
  let current: RawLine[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = estimateBytes(line);
    if (current.length > 0 && (current.length >= maxLines || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
