export interface ObjectInfo {
  key: string;
  size: number;
}

/** How an upload was verified: the store's own SHA-256 of what it stored, or a read back. */
export type Verification = 'checksum' | 'readback';

/**
 * A destination of archives. Keys are relative to the destination (its prefix is part of them).
 * Implementations throw StoreError, saying whether retrying can help.
 */
export interface ArchiveStore {
  /** For logs and status: where it writes, never a credential. */
  readonly description: string;
  /** Upload, then verify; resolves only once the stored object is known to equal `body`. */
  putVerified(key: string, body: Buffer, contentType: string, sha256Hex: string): Promise<Verification>;
  /** The object, or StoreError code `not_found`. Refuses objects over `maxBytes`. */
  get(key: string, maxBytes: number): Promise<Buffer>;
  /** Objects under a prefix, one page (one request) at a time, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo[]>;
  /** Throws when the destination cannot be used right now. */
  check(): Promise<void>;
  close(): void;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    /** Retrying will not help until someone changes the configuration (denied, no such bucket…). */
    readonly permanent: boolean,
    readonly code: string = permanent ? 'refused' : 'unavailable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'not_found';
}
