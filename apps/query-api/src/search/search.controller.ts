import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
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
  ) {}

  @Get()
  @ApiOperation({ summary: 'Search events, newest first; page with `cursor`' })
  @ApiQuery({ name: 'q', required: false, description: 'query language, e.g. `app:web level:error timeout`' })
  @ApiQuery({ name: 'from', required: false, description: 'now, -15m, now-1h, epoch ms or ISO 8601 (default -24h)' })
  @ApiQuery({ name: 'to', required: false, description: 'as from (default now)' })
  @ApiQuery({ name: 'limit', required: false, description: `1..10000 (default 100)` })
  @ApiQuery({ name: 'order', required: false, enum: ['desc', 'asc'] })
  @ApiQuery({ name: 'cursor', required: false })
  async find(
    @CurrentPrincipal() principal: Principal,
    @Query('q') q = '',
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limitText?: string,
    @Query('order') order: string = 'desc',
    @Query('cursor') cursor?: string,
  ): Promise<SearchPage> {
    const limit = intParam(limitText, 'limit', 100, 1, this.config.SEARCH_MAX_LIMIT);
    if (order !== 'asc' && order !== 'desc') throw new BadRequestException('order must be asc or desc');
    const range = timeRangeParam(from, to, this.config.SEARCH_DEFAULT_RANGE);
    return this.search.search({ tenant: principal.tenant, query: q, ...range, limit, order, cursor });
  }
}
