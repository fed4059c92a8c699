import { BadRequestException, Controller, Get, Inject, NotFoundException, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { rehydratedIndexName } from '@millrace/search-index';
import { ArchiverClient } from '../archives/archiver.client';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { SearchService, type SearchPage } from './search.service';
import { intParam, timeRangeParam } from './request-params';

@ApiTags('search')
@ApiBearerAuth()
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
    private readonly archiver: ArchiverClient,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Search events, newest first; page with `cursor`' })
  @ApiQuery({ name: 'q', required: false, description: 'query language, e.g. `app:web level:error timeout`' })
  @ApiQuery({ name: 'from', required: false, description: 'now, -15m, now-1h, epoch ms or ISO 8601 (default -24h)' })
  @ApiQuery({ name: 'to', required: false, description: 'as from (default now)' })
  @ApiQuery({ name: 'limit', required: false, description: `1..10000 (default 100)` })
  @ApiQuery({ name: 'order', required: false, enum: ['desc', 'asc'] })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'rehydrated', required: false, description: 'a rehydration job id: search the archived lines it made searchable (range defaults to the job’s)' })
  async find(
    @CurrentPrincipal() principal: Principal,
    @Query('q') q = '',
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limitText?: string,
    @Query('order') order: string = 'desc',
    @Query('cursor') cursor?: string,
    @Query('rehydrated') rehydrated?: string,
  ): Promise<SearchPage> {
    const limit = intParam(limitText, 'limit', 100, 1, this.config.SEARCH_MAX_LIMIT);
    if (order !== 'asc' && order !== 'desc') throw new BadRequestException('order must be asc or desc');
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
