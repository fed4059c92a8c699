import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { intParam, timeRangeParam } from '../search/request-params';
import { FieldsService } from './fields.service';

@ApiTags('search')
@ApiBearerAuth()
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/fields')
export class FieldsController {
  constructor(
    private readonly fields: FieldsService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Fields present in a time range, with types and example values (from a sample of recent events)' })
  discover(
    @CurrentPrincipal() principal: Principal,
    @Query('q') q = '', @Query('from') from?: string, @Query('to') to?: string, @Query('sample') sample?: string,
  ) {
    const range = timeRangeParam(from, to, this.config.SEARCH_DEFAULT_RANGE);
    return this.fields.discover({ tenant: principal.tenant, query: q, ...range }, intParam(sample, 'sample', 1000, 1, 5000));
  }
}
