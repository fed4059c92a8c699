/**
 * The stored form of an event: what the indexer writes to OpenSearch, what searches return,
 * and (since it is what the indexer writes) what the EVENTS stream carries, so the indexer can
 * pass each document's bytes through untouched.
 */
import type { LogEvent } from './batch';

/** `_id` is the event id, `_routing` the tenant. */
export interface EventDocument {
  '@timestamp': number;
  received_at: number;
  id: string;
  tenant: string;
  app: string;
  host: string;
  level?: string;
  tags: string[];
  source: string;
  message: string;
  fields: Record<string, unknown>;
  unindexed_fields?: string;
}

export function toDocument(event: LogEvent): EventDocument {
  return {
    '@timestamp': event.ts,
    received_at: event.receivedAt,
    id: event.id,
    tenant: event.tenant,
    app: event.app,
    host: event.host,
    // Levels are matched case-insensitively: the keyword is stored lower-case.
    level: event.level?.toLowerCase(),
    tags: event.tags,
    source: event.source,
    message: event.message,
    fields: event.fields,
  };
}

/** Rebuild the event shape from a stored document (search results, exports, rehydration). */
export function fromDocument(doc: EventDocument): LogEvent {
  return {
    id: doc.id,
    tenant: doc.tenant,
    ts: typeof doc['@timestamp'] === 'number' ? doc['@timestamp'] : Date.parse(String(doc['@timestamp'])),
    receivedAt: doc.received_at,
    app: doc.app,
    host: doc.host,
    level: doc.level,
    tags: doc.tags ?? [],
    source: doc.source as LogEvent['source'],
    message: doc.message,
    fields: doc.unindexed_fields ? (JSON.parse(doc.unindexed_fields) as Record<string, unknown>) : (doc.fields ?? {}),
  };
}
