/**
 * Size limits shared by every stage. Producers enforce them before publishing,
 * consumers re-check them before trusting a message.
 */
export const LIMITS = {
  /** A broker message carries one batch; keep it well under NATS' default 1 MiB max_payload. */
  maxBatchBytes: 900 * 1024,
  /** Lines in one batch message: amortises the broker's per-message cost. */
  maxBatchLines: 1000,
  /** Longer lines are truncated (with TRUNCATION_MARKER) and counted, never dropped. */
  maxLineBytes: 32 * 1024,
  /** Keys in a line's meta / an event's fields. */
  maxFields: 200,
  /** Nesting depth of meta / fields objects. */
  maxDepth: 8,
  maxKeyLength: 128,
  maxValueLength: 8 * 1024,
  maxTags: 32,
  maxTagLength: 128,
  maxNameLength: 256,
} as const;

export const TRUNCATION_MARKER = '…[truncated]';
