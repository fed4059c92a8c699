import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import { checkQuery, OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { parseQuery, toOpenSearch } from '@millrace/query-language';
import { indicesForRange } from '@millrace/search-index';

/** A tenant's question: the query text and the time range it covers. */
export interface ScopedQuery {
  tenant: string;
  query: string;
  from: number;
  to: number;
  /** Search this one index (a rehydrated archive of the tenant) instead of the events indices of the range. */
  index?: string;
}

/** Compile a user query for OpenSearch, turning syntax errors into 400s that say where. */
export function compileQuery(text: string): object {
  checkQuery(text, { path: 'q', location: 'query' });
  return toOpenSearch(parseQuery(text));
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

/**
 * Where and how to search for a tenant: the existing indices of the range, the routing, and
 * the query with the tenant filter. Every search path of the query-api goes through this.
 */
@Injectable()
export class TenantScope {
  constructor(@Inject(OPENSEARCH_CLIENT) readonly client: Client) {}

  /** The tenant-scoped OpenSearch query for a question (validates the query text). */
  query(q: ScopedQuery): object {
    return tenantScoped(q.tenant, compileQuery(q.query), q.from, q.to);
  }

  /** Index patterns for the range, to use with ignore_unavailable searches. */
  patterns(q: Pick<ScopedQuery, 'from' | 'to' | 'index'>): string {
    return q.index ?? indicesForRange(q.from, q.to).join(',');
  }

  /** Concrete indices that exist for the range (a point in time needs real indices). */
  async existingIndices(q: Pick<ScopedQuery, 'from' | 'to' | 'index'>): Promise<string[]> {
    try {
      const { body } = await this.client.cat.indices({ index: this.patterns(q), format: 'json', h: 'index', expand_wildcards: 'open' } as never);
      return (body as unknown as Array<{ index: string }>).map((i) => i.index).sort();
    } catch (error) {
      if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return [];
      throw error;
    }
  }

  /** Common search parameters: routing by tenant, tolerant of days without an index. */
  searchParams(q: ScopedQuery) {
    return { index: this.patterns(q), routing: q.tenant, ignore_unavailable: true, allow_no_indices: true };
  }
}
