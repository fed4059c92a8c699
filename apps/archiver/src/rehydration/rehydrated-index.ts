import type { Client } from '@opensearch-project/opensearch';
import { eventsIndexTemplate, toDocument, withoutIndexedFields, type EventDocument } from '@millrace/search-index';
import type { LogEvent } from '@millrace/log-schema';

/** OpenSearch pushes back (429, 5xx, unreachable): retry later. */
export class IndexBackPressure extends Error {
  override readonly name = 'IndexBackPressure';
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const FIELD_ERRORS = /mapper_parsing_exception|illegal_argument_exception|document_parsing_exception|strict_dynamic_mapping_exception/;

/** Create a job's index with the events mapping (same template body), tagged with its job in `_meta`. */
export async function createRehydratedIndex(client: Client, index: string, meta: Record<string, unknown>): Promise<void> {
  const { settings, mappings } = eventsIndexTemplate({ shards: 1, replicas: 0 }).template;
  try {
    await client.indices.create({ index, body: { settings, mappings: { ...mappings, _meta: { millrace: meta } } } as never });
  } catch (error) {
    const type = (error as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
    if (type !== 'resource_already_exists_exception') throw error;
  }
}

export async function deleteIndex(client: Client, index: string): Promise<boolean> {
  try {
    await client.indices.delete({ index });
    return true;
  } catch (error) {
    if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return false;
    throw error;
  }
}

export interface IndexOutcome {
  indexed: number;
  rejected: Array<{ id: string; reason: string }>;
}

/**
 * Index events into a job's index with their ids (a part read twice, or a line archived twice,
 * makes one document) and the tenant as routing. A document whose fields the mapping refuses
 * is indexed again with its fields kept as text only, as the indexer does.
 */
export async function indexEvents(client: Client, index: string, events: LogEvent[]): Promise<IndexOutcome> {
  const outcome: IndexOutcome = { indexed: 0, rejected: [] };
  if (events.length === 0) return outcome;
  const first = await bulk(client, index, events.map((e) => ({ event: e, doc: toDocument(e) })));
  const retry: Array<{ event: LogEvent; doc: EventDocument }> = [];
  first.forEach((item, i) => {
    if (item.status < 300) outcome.indexed++;
    else if (RETRYABLE.has(item.status)) throw new IndexBackPressure(`OpenSearch answered ${item.status}: ${item.error?.reason ?? ''}`);
    else if (FIELD_ERRORS.test(item.error?.type ?? '')) retry.push({ event: events[i], doc: withoutIndexedFields(toDocument(events[i])) });
    else outcome.rejected.push({ id: events[i].id, reason: `${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? ''}`.slice(0, 300) });
  });
  if (retry.length) {
    const second = await bulk(client, index, retry);
    second.forEach((item, i) => {
      if (item.status < 300) outcome.indexed++;
      else if (RETRYABLE.has(item.status)) throw new IndexBackPressure(`OpenSearch answered ${item.status}: ${item.error?.reason ?? ''}`);
      else outcome.rejected.push({ id: retry[i].event.id, reason: `${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? ''}`.slice(0, 300) });
    });
  }
  return outcome;
}

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

async function bulk(client: Client, index: string, items: Array<{ event: LogEvent; doc: EventDocument }>): Promise<BulkItem[]> {
  const body: unknown[] = [];
  for (const { event, doc } of items) {
    body.push({ index: { _index: index, _id: event.id, routing: event.tenant } });
    body.push(doc);
  }
  try {
    // Should the index have been deleted under us (job cancelled), this may create it again:
    // the cleanup's orphan sweep removes indices whose job is gone.
    const response = await client.bulk({ body: body as never, timeout: '30s' });
    return (response.body as { items: Array<Record<string, BulkItem>> }).items.map((item) => Object.values(item)[0]);
  } catch (error) {
    const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
    throw new IndexBackPressure(`bulk request failed${status ? ` (${status})` : ''}: ${(error as Error).message}`);
  }
}
