import { z } from 'zod/v4';
import { eventBatchSchema, type EventBatch, type LogEvent } from './batch';
import { PoisonMessageError, decodeMessage } from './codec';
import { fromDocument, toDocument, type EventDocument } from './document';
import { TENANT_ID_PATTERN } from './ids';
import { LIMITS } from './limits';

/**
 * The message on `EVENTS` (version 2), NDJSON:
 *
 *     {"v":2,"tenant":"acme","batchId":"01J…","events":[["01J…-0",1733140000000,1],…]}
 *     {"@timestamp":1733140000000,"received_at":…,"id":"01J…-0",…}
 *     …
 *
 * The first line is the batch's table of contents: each event's id, time and whether it is
 * indexed (1) or only tailed, alerted on and archived (0, `noIndex`). Each following line is one
 * event as its stored document (`toDocument`), exactly what the indexer writes to OpenSearch,
 * so the indexer passes those bytes through without parsing or serialising them again. JSON
 * never contains a raw newline, so documents are found by splitting on '\n'.
 *
 * Version 1 (one JSON object `{v:1, tenant, batchId, events}`) is still decoded, so messages
 * written before an upgrade are processed.
 */
const tocEntrySchema = z.tuple([z.string().min(1).max(128), z.number(), z.union([z.literal(0), z.literal(1)])]);
const headerSchema = z.object({
  v: z.literal(2),
  tenant: z.string().regex(TENANT_ID_PATTERN),
  batchId: z.string().min(10).max(64),
  events: z.array(tocEntrySchema).max(LIMITS.maxBatchLines),
});

const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** One event of a batch as carried on the wire: its table-of-contents entry and document bytes. */
export interface WireEvent {
  id: string;
  ts: number;
  indexed: boolean;
  /** The event's document, UTF-8 JSON (not parsed). */
  document: Uint8Array;
}

export interface WireEventBatch {
  tenant: string;
  batchId: string;
  events: WireEvent[];
}

export function encodeEventBatch(batch: EventBatch): Uint8Array {
  const n = batch.events.length;
  const toc = new Array<[string, number, 0 | 1]>(n);
  let docs = '';
  for (let i = 0; i < n; i++) {
    const e = batch.events[i];
    toc[i] = [e.id, e.ts, e.noIndex ? 0 : 1];
    docs += `\n${JSON.stringify(toDocument(e))}`;
  }
  return Buffer.from(JSON.stringify({ v: 2, tenant: batch.tenant, batchId: batch.batchId, events: toc }) + docs, 'utf8');
}

function bytesOf(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The batch without parsing its documents: the table of contents is validated, each document is
 * a slice of `data`. Throws PoisonMessageError for a message that is not a version-2 batch.
 */
export function readEventBatch(data: Uint8Array): WireEventBatch {
  const bytes = bytesOf(data);
  let end = bytes.indexOf(NEWLINE);
  if (end < 0) end = bytes.length;
  if (isVersion1(bytes, end)) return readEventBatch(encodeEventBatch(decodeMessage(bytes, eventBatchSchema)));
  const header = decodeMessage(bytes.subarray(0, end), headerSchema);
  const events: WireEvent[] = new Array(header.events.length);
  let start = end + 1;
  for (let i = 0; i < header.events.length; i++) {
    if (start > bytes.length) throw new PoisonMessageError(`event batch lists ${header.events.length} events but carries ${i}`);
    let stop = bytes.indexOf(NEWLINE, start);
    if (stop < 0) stop = bytes.length;
    const [id, ts, indexed] = header.events[i];
    events[i] = { id, ts, indexed: indexed === 1, document: bytes.subarray(start, stop) };
    start = stop + 1;
  }
  if (start <= bytes.length) throw new PoisonMessageError(`event batch carries more documents than the ${header.events.length} it lists`);
  return { tenant: header.tenant, batchId: header.batchId, events };
}

/** One wire event back as a LogEvent (parses its document). */
export function wireEventToLogEvent(event: WireEvent): LogEvent {
  let doc: EventDocument;
  try {
    doc = JSON.parse(decoder.decode(event.document)) as EventDocument;
  } catch (cause) {
    throw new PoisonMessageError(`the document of event ${event.id} is not UTF-8 JSON`, { cause });
  }
  const logEvent = fromDocument(doc);
  if (!event.indexed) logEvent.noIndex = true;
  return logEvent;
}

/** The whole batch as LogEvents, validated with the event schema. Reads versions 1 and 2. */
export function decodeEventBatch(data: Uint8Array): EventBatch {
  const bytes = bytesOf(data);
  let end = bytes.indexOf(NEWLINE);
  if (end < 0) end = bytes.length;
  if (isVersion1(bytes, end)) return decodeMessage(bytes, eventBatchSchema);
  const wire = readEventBatch(bytes);
  const batch = { v: 1 as const, tenant: wire.tenant, batchId: wire.batchId, events: wire.events.map(wireEventToLogEvent) };
  const result = eventBatchSchema.safeParse(batch);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PoisonMessageError(`event batch does not match its schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/**
 * Version 1 is one JSON object on one line whose `v` is 1. Our encoders write `v` first; any
 * other single-line object is told apart by parsing it (only messages from before an upgrade).
 */
function isVersion1(bytes: Buffer, firstLineEnd: number): boolean {
  if (firstLineEnd !== bytes.length) return false;
  const start = bytes.subarray(0, 7).toString('latin1');
  if (start === '{"v":1,') return true;
  if (start === '{"v":2,') return false;
  try {
    return (JSON.parse(bytes.toString('utf8')) as { v?: unknown }).v === 1;
  } catch {
    return false;
  }
}
