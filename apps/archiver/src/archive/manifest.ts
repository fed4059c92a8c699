import { z } from 'zod';
import { createHash } from 'node:crypto';
import type { LogEvent } from '@millrace/log-schema';

export const MANIFEST_FORMAT = 'millrace-archive-part/1';

/**
 * Written beside every part, after the part itself was uploaded and verified: the part's
 * integrity (SHA-256 of the object as stored) and what it holds, so a reader can check it and
 * skip it without opening it.
 */
export const partManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  tenant: z.string(),
  /** Start of the hour (UTC, ISO 8601) the part's events belong to. */
  hour: z.string(),
  /** File name of the part, beside this manifest. */
  object: z.string(),
  compression: z.literal('gzip'),
  contentType: z.literal('application/x-ndjson'),
  lines: z.number().int().nonnegative(),
  /** Earliest and latest event time in the part, epoch ms. */
  firstTs: z.number(),
  lastTs: z.number(),
  /** Smallest and largest event id (ids sort by batch time): the part's event id range. */
  firstEventId: z.string(),
  lastEventId: z.string(),
  /** SHA-256 (hex) and size of the compressed object as stored. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  uncompressedBytes: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type PartManifest = z.infer<typeof partManifestSchema>;

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Running statistics of a part while events are added. */
export class PartStats {
  lines = 0;
  uncompressedBytes = 0;
  firstTs = Infinity;
  lastTs = -Infinity;
  firstEventId = '';
  lastEventId = '';

  add(event: Pick<LogEvent, 'id' | 'ts'>, lineBytes: number): void {
    this.lines++;
    this.uncompressedBytes += lineBytes;
    if (event.ts < this.firstTs) this.firstTs = event.ts;
    if (event.ts > this.lastTs) this.lastTs = event.ts;
    if (this.firstEventId === '' || event.id < this.firstEventId) this.firstEventId = event.id;
    if (event.id > this.lastEventId) this.lastEventId = event.id;
  }
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function buildManifest(input: {
  tenant: string;
  hour: number;
  object: string;
  stats: PartStats;
  body: Uint8Array;
  sha256?: string;
  now?: number;
}): PartManifest {
  const { stats } = input;
  if (stats.lines === 0) throw new ManifestError('a part without lines has no manifest');
  return {
    format: MANIFEST_FORMAT,
    tenant: input.tenant,
    hour: new Date(input.hour).toISOString(),
    object: input.object,
    compression: 'gzip',
    contentType: 'application/x-ndjson',
    lines: stats.lines,
    firstTs: stats.firstTs,
    lastTs: stats.lastTs,
    firstEventId: stats.firstEventId,
    lastEventId: stats.lastEventId,
    sha256: input.sha256 ?? sha256Hex(input.body),
    bytes: input.body.byteLength,
    uncompressedBytes: stats.uncompressedBytes,
    createdAt: new Date(input.now ?? Date.now()).toISOString(),
  };
}

export function encodeManifest(manifest: PartManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** Parse and validate a stored manifest. Throws ManifestError saying what is wrong. */
export function parseManifest(data: Uint8Array | string): PartManifest {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch {
    throw new ManifestError('manifest is not JSON');
  }
  const result = partManifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ManifestError(`manifest is malformed: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/** Check a downloaded object against its manifest; returns the problem, or undefined when it matches. */
export function checkAgainstManifest(body: Uint8Array, manifest: PartManifest): string | undefined {
  if (body.byteLength !== manifest.bytes) return `size ${body.byteLength} differs from the manifest's ${manifest.bytes}`;
  const actual = sha256Hex(body);
  if (actual !== manifest.sha256) return `SHA-256 ${actual} differs from the manifest's ${manifest.sha256}`;
  return undefined;
}
