import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { fieldParam, intParam, timeRangeParam } from '../search/request-params';
import { GraphsService, type Histogram, type NumericStats, type TopValues } from './graphs.service';
import { parseInterval } from './interval';

function interval(text: string | undefined, from: number, to: number) {
  try {
    return parseInterval(text, from, to);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
}

@ApiTags('graphs')
@ApiBearerAuth()
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/graphs')
export class GraphsController {
  constructor(
    private readonly graphs: GraphsService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {}

  @Get('histogram')
  @ApiOperation({ summary: 'Event counts over time, optionally split by a field (top N plus "__other__")' })
  @ApiQuery({ name: 'interval', required: false, description: 'auto (default, ~100 buckets) or 30s, 5m, 1h, 1d…' })
  @ApiQuery({ name: 'split', required: false, description: 'a field to split by, e.g. app or status' })
  @ApiQuery({ name: 'top', required: false, description: 'series kept when splitting, 1..20 (default 5)' })
  histogram(
    @CurrentPrincipal() principal: Principal,
    @Query('q') q = '', @Query('from') from?: string, @Query('to') to?: string,
    @Query('interval') intervalText?: string, @Query('split') split?: string, @Query('top') top?: string,
  ): Promise<Histogram> {
    const range = timeRangeParam(from, to, this.config.SEARCH_DEFAULT_RANGE);
    const splitBy = split ? { path: fieldParam(split, 'split').path, top: intParam(top, 'top', 5, 1, 20) } : undefined;
    return this.graphs.histogram({ tenant: principal.tenant, query: q, ...range }, interval(intervalText, range.from, range.to), splitBy);
  }

  @Get('top')
  @ApiOperation({ summary: 'The most frequent values of a field' })
  top(
    @CurrentPrincipal() principal: Principal,
    @Query('field') field: string, @Query('q') q = '', @Query('from') from?: string, @Query('to') to?: string, @Query('size') size?: string,
  ): Promise<TopValues> {
    const range = timeRangeParam(from, to, this.config.SEARCH_DEFAULT_RANGE);
    return this.graphs.top({ tenant: principal.tenant, query: q, ...range }, fieldParam(field), intParam(size, 'size', 10, 1, 1000), field);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Count, min, max, average and percentiles of a numeric field, overall and over time' })
  @ApiQuery({ name: 'percentiles', required: false, description: 'comma-separated, default 50,95,99' })
  stats(
    @CurrentPrincipal() principal: Principal,
    @Query('field') field: string, @Query('q') q = '', @Query('from') from?: string, @Query('to') to?: string,
    @Query('interval') intervalText?: string, @Query('percentiles') percentiles = '50,95,99',
  ): Promise<NumericStats> {
    const range = timeRangeParam(from, to, this.config.SEARCH_DEFAULT_RANGE);
    const percents = percentiles.split(',').map(Number);
    if (percents.length > 10 || percents.some((p) => !Number.isFinite(p) || p <= 0 || p >= 100)) {
      throw new BadRequestException('percentiles must be up to 10 numbers between 0 and 100, comma-separated');
    }
    const target = fieldParam(field);
    if (target.kind !== 'dynamic') throw new BadRequestException(`field "${field}" is not numeric`);
    return this.graphs.stats({ tenant: principal.tenant, query: q, ...range }, target, interval(intervalText, range.from, range.to), percents);
  }
}
