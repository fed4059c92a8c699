import type { SearchPage } from './search.schemas';
import { BadRequestException, Injectable } from '@nestjs/common';
import { fromDocument, type EventDocument } from '@millrace/search-index';
import { TenantScope, type ScopedQuery } from './scope';

export interface SearchRequest extends ScopedQuery {
  limit: number;
  order: 'asc' | 'desc';
  cursor?: string;
}

export type { SearchPage } from './search.schemas';

/**
 * What a cursor carries: where the last page ended and, from the second page on, the point in
 * time being paged through.
 */
interface Cursor {
  pit?: string;
  after: unknown[];
  /** The request the cursor belongs to: a cursor cannot be replayed with another query. */
  tenant: string;
  order: 'asc' | 'desc';
}

const PIT_KEEP_ALIVE = '2m';

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string, request: SearchRequest): Cursor {
  let cursor: Cursor | undefined;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
  } catch {
    // reported below
  }
  if (!cursor || (cursor.pit !== undefined && typeof cursor.pit !== 'string') || !Array.isArray(cursor.after) || cursor.after.length !== 2
    || typeof cursor.after[0] !== 'number' || !Number.isFinite(cursor.after[0]) || typeof cursor.after[1] !== 'string') {
    throw new BadRequestException('cursor is not one this API issued');
  }
  if (cursor.tenant !== request.tenant || cursor.order !== request.order) throw new BadRequestException('cursor belongs to another search');
  return cursor;
}

/**
 * Search with stable paging. The sort is (timestamp, id), and ids are unique, so the order is
 * total and `search_after` from the last page's sort values never repeats or skips an event.
 * The first page is a plain search (most searches stop there, and an open point in time is a
 * scarce server resource); following a cursor opens a point in time, a consistent view of the
 * indices that the remaining pages share, closed after the last page or two minutes unused.
 */
@Injectable()
export class SearchService {
  constructor(private readonly scope: TenantScope) {}

  async search(request: SearchRequest): Promise<SearchPage> {
    const started = Date.now();
    const query = this.scope.query(request);
    const cursor = request.cursor ? decodeCursor(request.cursor, request) : undefined;
    const pit = cursor ? (cursor.pit ?? (await this.openPit(request))) : undefined;
    if (cursor && !pit) return { events: [], took: Date.now() - started };
    let hits: Array<{ _source: EventDocument; sort: unknown[] }>;
    try {
      const response = await this.scope.client.search({
        ...(pit ? {} : this.scope.searchParams(request)),
        body: {
          ...(pit ? { pit: { id: pit, keep_alive: PIT_KEEP_ALIVE } } : {}),
          query,
          size: request.limit,
          sort: [{ '@timestamp': { order: request.order } }, { id: { order: request.order } }],
          track_total_hits: false,
          ...(cursor ? { search_after: cursor.after } : {}),
        } as never,
      });
      hits = (response.body as unknown as { hits: { hits: typeof hits } }).hits.hits;
    } catch (error) {
      if (cursor && /point in time|pit|search_context_missing|No search context/i.test(JSON.stringify((error as { meta?: { body?: unknown } }).meta?.body ?? (error as Error).message))) {
        throw new BadRequestException('the cursor expired (cursors live 2 minutes after their last use); start the search again');
      }
      throw error;
    }
    const last = hits[hits.length - 1];
    const more = hits.length === request.limit && last !== undefined;
    if (!more && pit) void this.closePit(pit);
    return {
      events: hits.map((h) => fromDocument(h._source)),
      nextCursor: more ? encodeCursor({ pit, after: last.sort, tenant: request.tenant, order: request.order }) : undefined,
      took: Date.now() - started,
    };
  }

  private async openPit(request: SearchRequest): Promise<string | undefined> {
    const indices = await this.scope.existingIndices(request);
    if (indices.length === 0) return undefined;
    const { body } = await this.scope.client.createPit({ index: indices.join(','), keep_alive: PIT_KEEP_ALIVE, routing: request.tenant } as never);
    return (body as { pit_id: string }).pit_id;
  }

  private async closePit(pit: string): Promise<void> {
    await this.scope.client.deletePit({ body: { pit_id: [pit] } } as never).catch(() => undefined);
  }
}
