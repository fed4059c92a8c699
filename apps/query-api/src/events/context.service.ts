import { Injectable, NotFoundException } from '@nestjs/common';
import { ALL_EVENTS_PATTERN, fromDocument, type EventDocument } from '@millrace/search-index';
import type { LogEvent } from '@millrace/log-schema';
import { TenantScope } from '../search/scope';

export interface EventContext {
  event: LogEvent;
  /** Oldest first, ending just before the event. */
  before: LogEvent[];
  /** Oldest first, starting just after the event. */
  after: LogEvent[];
}

const WINDOW_MS = 24 * 3600 * 1000;

type Hit = { _source: EventDocument };

/** The lines around an event from the same source (app and host), like `grep -C`. */
@Injectable()
export class ContextService {
  constructor(private readonly scope: TenantScope) {}

  async around(tenant: string, id: string, before: number, after: number): Promise<EventContext> {
    const client = this.scope.client;
    const found = await client.search({
      index: ALL_EVENTS_PATTERN, routing: tenant, ignore_unavailable: true, allow_no_indices: true,
      body: { query: { bool: { filter: [{ term: { tenant } }, { term: { id } }] } }, size: 1 } as never,
    });
    const hit = (found.body as unknown as { hits: { hits: Hit[] } }).hits.hits[0];
    if (!hit) throw new NotFoundException(`event ${id} not found`);
    const event = fromDocument(hit._source);
    const sameSource = (from: number, to: number) => ({
      bool: { filter: [{ term: { tenant } }, { term: { app: event.app } }, { term: { host: event.host } }, { range: { '@timestamp': { gte: from, lte: to } } }] },
    });
    const side = async (direction: 'asc' | 'desc', size: number): Promise<LogEvent[]> => {
      if (size === 0) return [];
      const from = direction === 'desc' ? event.ts - WINDOW_MS : event.ts;
      const to = direction === 'desc' ? event.ts : event.ts + WINDOW_MS;
      const { body } = await client.search({
        ...this.scope.searchParams({ tenant, query: '', from, to }),
        body: {
          query: sameSource(from, to),
          size,
          sort: [{ '@timestamp': direction }, { id: direction }],
          search_after: [event.ts, event.id],
        } as never,
      });
      return (body as unknown as { hits: { hits: Hit[] } }).hits.hits.map((h) => fromDocument(h._source));
    };
    const [older, newer] = await Promise.all([side('desc', before), side('asc', after)]);
    return { event, before: older.reverse(), after: newer };
  }
}
