import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import type { LogEvent } from '@millrace/log-schema';
import { checkAgainstManifest, type PartManifest } from '../archive/manifest';

const gunzip = promisify(gunzipCallback);

/** A part that cannot be trusted: reported in the job and skipped, never fatal. */
export class CorruptPartError extends Error {
  override readonly name = 'CorruptPartError';
  constructor(readonly reason: 'checksum' | 'gzip' | 'manifest' | 'too_large', message: string) {
    super(message);
  }
}

export interface DecodedPart {
  events: LogEvent[];
  /** Lines that are not events of this tenant (unreadable JSON, wrong shape, foreign tenant). */
  badLines: number;
  uncompressedBytes: number;
}

/**
 * Check a downloaded part against its manifest (when it has one), decompress it (bounded) and
 * read its events. Throws CorruptPartError for a part that must be skipped whole; individual
 * unreadable lines are counted, not fatal.
 */
export async function decodePart(body: Buffer, tenant: string, manifest: PartManifest | undefined, maxUncompressedBytes: number): Promise<DecodedPart> {
  if (manifest) {
    const problem = checkAgainstManifest(body, manifest);
    if (problem) throw new CorruptPartError('checksum', problem);
  }
  let text: Buffer;
  try {
    text = await gunzip(body, { maxOutputLength: maxUncompressedBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|Cannot create a Buffer larger/.test((error as Error).message)) {
      throw new CorruptPartError('too_large', `decompresses to more than ${maxUncompressedBytes} bytes`);
    }
    throw new CorruptPartError('gzip', `not valid gzip: ${(error as Error).message}`);
  }
  const events: LogEvent[] = [];
  let badLines = 0;
  for (const line of text.toString('utf8').split('\n')) {
    if (line.length === 0) continue;
    const event = readEvent(line);
    if (event && event.tenant === tenant) events.push(event);
    else badLines++;
  }
  if (manifest && events.length + badLines !== manifest.lines) {
    // Truncated or padded behind a matching checksum cannot happen; a manifest that disagrees with its part is worth saying.
    badLines += Math.max(0, manifest.lines - events.length - badLines);
  }
  return { events, badLines, uncompressedBytes: text.byteLength };
}

/** One NDJSON line as an event, or undefined when it is not one. Cheap checks: parts are ours. */
export function readEvent(line: string): LogEvent | undefined {
  let value: Partial<LogEvent>;
  try {
    value = JSON.parse(line) as Partial<LogEvent>;
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  if (typeof value.id !== 'string' || typeof value.tenant !== 'string' || typeof value.ts !== 'number' || typeof value.message !== 'string') return undefined;
  return {
    id: value.id,
    tenant: value.tenant,
    ts: value.ts,
    receivedAt: typeof value.receivedAt === 'number' ? value.receivedAt : value.ts,
    app: typeof value.app === 'string' ? value.app : 'default',
    host: typeof value.host === 'string' ? value.host : 'unknown',
    level: typeof value.level === 'string' ? value.level : undefined,
    message: value.message,
    tags: Array.isArray(value.tags) ? value.tags.filter((t): t is string => typeof t === 'string') : [],
    fields: value.fields && typeof value.fields === 'object' && !Array.isArray(value.fields) ? value.fields : {},
    source: (typeof value.source === 'string' ? value.source : 'rehydrate') as LogEvent['source'],
  };
}
