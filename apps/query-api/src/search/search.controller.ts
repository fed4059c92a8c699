import { Controller, Get, Inject, NotFoundException } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { rehydratedIndexName } from '@millrace/search-index';
import { ApiTag, Endpoint, InvalidValueError, ValidQuery } from '@millrace/service-kit';
import { ArchiverClient } from '../archives/archiver.client';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { SearchService } from './search.service';
import { timeRangeParam } from './request-params';
import { searchPageSchema, searchQuerySchema, type SearchPage } from './search.schemas';

const EXAMPLE_PAGE = {
  events: [{
    id: '01JH2Q8Z6W3N4R5T6Y7U8I9O0P-0', tenant: 'acme', ts: 1736071800000, receivedAt: 1736071800123, app: 'checkout', host: 'web-1',
    level: 'error', message: 'payment failed: timeout after 30s', tags: ['prod'], fields: { status: 502 }, source: 'http-json',
  }],
  nextCursor: 'eyJhZnRlciI6WzE3MzYwNzE4MDAwMDAsIjAxSkgyUThaNlczTjRSNVQ2WTdVOEk5TzBQLTAiXX0',
  took: 12,
};

@ApiTag('search')
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
    private readonly archiver: ArchiverClient,
  ) {}

  @Get()
  @Endpoint({
    summary: 'Search events, newest first; page with `cursor`',
    description: 'Example: `GET /v1/search?q=app:checkout%20level:error&from=-1h&limit=50`. Every page carries `nextCursor` until the last one.',
    responses: { 200: { description: 'A page of events', schema: searchPageSchema, example: EXAMPLE_PAGE } },
    errors: [404, 503],
  })
  async find(@CurrentPrincipal() principal: Principal, @ValidQuery(searchQuerySchema) query: z.infer<typeof searchQuerySchema>): Promise<SearchPage> {
    const { q = '', from, to, order, cursor, rehydrated } = query;
    const limit = query.limit ?? 100;
    if (limit > this.config.SEARCH_MAX_LIMIT) throw new InvalidValueError({ path: 'limit', location: 'query' }, `limit must be at most ${this.config.SEARCH_MAX_LIMIT}`);
    if (rehydrated !== undefined) {
      // Only the caller's own jobs: the archiver answers 404 for another tenant's id, and the index name is built from the caller's tenant.
      const job = await this.archiver.getRehydration(principal.tenant, rehydrated.toLowerCase());
      if (!['running', 'succeeded', 'failed'].includes(job.state)) throw new NotFoundException(`rehydration ${job.id} is ${job.state}: nothing to search`);
      const range = timeRangeParam(from ?? job.from, to ?? job.to, this.config.SEARCH_DEFAULT_RANGE);
      return this.search.search({ tenant: principal.tenant, query: q, ...range, limit, order, cursor, index: rehydratedIndexName(principal.tenant, job.id) });
    }
    const range = timeRangeParam(from, to, this.config.SEARCH_DEFAULT_RANGE);
    return this.search.search({ tenant: principal.tenant, query: q, ...range, limit, order, cursor });
  }
}
