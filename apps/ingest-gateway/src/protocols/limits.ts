import { LIMITS } from '@millrace/log-schema';
import { DEFAULT_MAX_FRAME_BYTES } from '@millrace/syslog';

/**
 * Per-request limits enforced by the protocol decoders. Per-line limits (line size, fields,
 * depth, value length) come from `LIMITS` in log-schema so every stage agrees on them.
 */
export const REQUEST_LIMITS = {
  /** Lines (protocol items, accepted or rejected) in one request; more is a 413. */
  maxLinesPerRequest: 50_000,
  /** Longer lines are truncated with `truncateUtf8` and counted, never dropped. */
  maxLineBytes: LIMITS.maxLineBytes,
  /** Keys in one line's meta, counted at every depth. */
  maxFields: LIMITS.maxFields,
  /** Nesting depth of meta; deeper objects are stringified at the cut. */
  maxDepth: LIMITS.maxDepth,
  /** Estimated serialised size of one line's meta; fields past it are dropped and counted. */
  maxMetaBytes: 64 * 1024,
  /**
   * Estimated size of everything one request decodes to. Shared attributes (OTLP resources,
   * Loki labels) are copied onto every line, so output can outgrow the body; this caps it.
   */
  maxDecodedBytes: 128 * 1024 * 1024,
  /** Bodies compressed inside the protocol (Loki snappy, GELF gzip) inflate to at most this. */
  maxInnerDecompressedBytes: 64 * 1024 * 1024,
  /** Longest timestamp string kept as given; longer ones are dropped (the arrival time is used). */
  maxTimestampLength: 64,
  /** Longest `reason` in a rejection or error message. */
  maxReasonLength: 300,
} as const;

/**
 * One syslog frame over TCP/TLS (octet-counted or newline-delimited; `SyslogFramer` of
 * `@millrace/syslog` refuses a length prefix with more digits than this needs at once).
 */
export const SYSLOG_LIMITS = {
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
} as const;

/** GELF over UDP: chunk reassembly. */
export const GELF_LIMITS = {
  /** GELF 1.1: a message has at most 128 chunks. */
  maxChunks: 128,
  /** Graylog discards a message whose chunks have not all arrived within 5 s. */
  chunkTimeoutMs: 5_000,
  /** Messages being reassembled at once; the oldest is evicted beyond it. */
  maxInFlight: 1_024,
  /** Bytes held by all incomplete messages together. */
  maxBufferedBytes: 32 * 1024 * 1024,
  /** One reassembled (then decompressed) message. */
  maxMessageBytes: 1024 * 1024,
} as const;
