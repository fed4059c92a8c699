import { REQUEST_LIMITS } from './limits';

export type ProtocolErrorStatus = 400 | 413 | 415;

/**
 * The whole request is unusable: the HTTP layer answers `status` with `message`.
 * Anything else thrown by a decoder is a bug.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly status: ProtocolErrorStatus,
    message: string,
    /** Protocol-specific answer details, e.g. `{ hecCode: 6 }` for Splunk HEC. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(clip(message));
  }
}

export function tooManyLines(count: number, max: number = REQUEST_LIMITS.maxLinesPerRequest): ProtocolError {
  return new ProtocolError(413, `too many lines: ${count} > ${max}`);
}

export function unsupportedMediaType(contentType: string | undefined, accepted: readonly string[]): ProtocolError {
  return new ProtocolError(415, `unsupported content type ${contentType ? `"${clip(contentType, 100)}"` : '(none)'}: expected ${accepted.join(', ')}`);
}

/** Bounded message of a caught error (JSON.parse messages quote the input). */
export function errorMessage(err: unknown): string {
  return clip(err instanceof Error ? err.message : String(err), 200);
}

export function clip(text: string, max: number = REQUEST_LIMITS.maxReasonLength): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
