import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { parseQuery, toOpenSearch, QuerySyntaxError } from '@millrace/query-language';
import { fromDocument, indicesForRange, type EventDocument } from '@millrace/search-index';
import type { LogEvent } from '@millrace/log-schema';

export interface SearchRequest {
  tenant: string;
  query: string;
  from: number;
  to: number;
  limit: number;
  order: 'asc' | 'desc';
  cursor?: string;
}

export interface SearchPage {
  events: LogEvent[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
  took: number;
}

function encodeCursor(sort: unknown[]): string {
  return Buffer.from(JSON.stringify(sort)).toString('base64url');
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) return value;
  } catch {
    // fall through
  }
  throw new BadRequestException('cursor is not one this API issued');
}

/** Compile a user query for OpenSearch, turning syntax errors into 400s that say where. */
export function compileQuery(text: string): object {
  try {
    return toOpenSearch(parseQuery(text));
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new BadRequestException({ message: `invalid query: ${error.message}`, details: { position: error.position, expected: error.expected } });
    throw error;
  }
}

/** Every search carries the tenant filter and routing itself, whatever the query says. */
export function tenantScoped(tenant: string, query: object, from: number, to: number): object {
  return {
    bool: {
      filter: [
        { term: { tenant } },
        { range: { '@timestamp': { gte: from, lte: to, format: 'epoch_millis' } } },
        query,
      ],
    },
  };
}

@Injectable()
export class SearchService {
  constructor(@Inject(OPENSEARCH_CLIENT) private readonly client: Client) {}

  async search(request: SearchRequest): Promise<SearchPage> {
    const started = Date.now();
    const query = tenantScoped(request.tenant, compileQuery(request.query), request.from, request.to);
    const response = await this.client.search({
      index: indicesForRange(request.from, request.to).join(','),
      routing: request.tenant,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: {
        query,
        size: request.limit,
        sort: [{ '@timestamp': { order: request.order } }, { id: { order: request.order } }],
        track_total_hits: false,
        ...(request.cursor ? { search_after: decodeCursor(request.cursor) } : {}),
      } as never,
    });
    const hits = (response.body as { hits: { hits: Array<{ _source: EventDocument; sort: unknown[] }> } }).hits.hits;
    const last = hits[hits.length - 1];
    return {
      events: hits.map((h) => fromDocument(h._source)),
      nextCursor: hits.length === request.limit && last ? encodeCursor(last.sort) : undefined,
      took: Date.now() - started,
    };
  }
}
