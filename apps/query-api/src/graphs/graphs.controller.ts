import { Controller, Get, Inject } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, InvalidValueError, ValidQuery } from '@millrace/service-kit';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { fieldParam, timeRangeParam } from '../search/request-params';
import { GraphsService, type Histogram, type NumericStats, type TopValues } from './graphs.service';
import { histogramQuerySchema, histogramSchema, numericStatsSchema, statsQuerySchema, topQuerySchema, topValuesSchema } from './graphs.schemas';
import { parseInterval } from './interval';

function interval(text: string | undefined, from: number, to: number) {
  try {
    return parseInterval(text, from, to);
  } catch (error) {
    throw new InvalidValueError({ path: 'interval', location: 'query' }, (error as Error).message);
  }
}

@ApiTag('graphs')
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/graphs')
export class GraphsController {
  constructor(
    private readonly graphs: GraphsService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {}

  @Get('histogram')
  @Endpoint({ summary: 'Event counts over time, optionally split by a field (top N plus "__other__")', responses: { 200: histogramSchema } })
  histogram(@CurrentPrincipal() principal: Principal, @ValidQuery(histogramQuerySchema) query: z.infer<typeof histogramQuerySchema>): Promise<Histogram> {
    const range = timeRangeParam(query.from, query.to, this.config.SEARCH_DEFAULT_RANGE);
    const splitBy = query.split ? { path: fieldParam(query.split, 'split').path, top: query.top ?? 5 } : undefined;
    return this.graphs.histogram({ tenant: principal.tenant, query: query.q ?? '', ...range }, interval(query.interval, range.from, range.to), splitBy);
  }

  @Get('top')
  @Endpoint({ summary: 'The most frequent values of a field', responses: { 200: topValuesSchema } })
  top(@CurrentPrincipal() principal: Principal, @ValidQuery(topQuerySchema) query: z.infer<typeof topQuerySchema>): Promise<TopValues> {
    const range = timeRangeParam(query.from, query.to, this.config.SEARCH_DEFAULT_RANGE);
    return this.graphs.top({ tenant: principal.tenant, query: query.q ?? '', ...range }, fieldParam(query.field), query.size ?? 10, query.field);
  }

  @Get('stats')
  @Endpoint({ summary: 'Count, min, max, average and percentiles of a numeric field, overall and over time', responses: { 200: numericStatsSchema } })
  stats(@CurrentPrincipal() principal: Principal, @ValidQuery(statsQuerySchema) query: z.infer<typeof statsQuerySchema>): Promise<NumericStats> {
    const range = timeRangeParam(query.from, query.to, this.config.SEARCH_DEFAULT_RANGE);
    const percents = query.percentiles.split(',').map(Number);
    if (percents.some((p) => !Number.isFinite(p) || p <= 0 || p >= 100)) {
      throw new InvalidValueError({ path: 'percentiles', location: 'query' }, 'percentiles must be up to 10 numbers between 0 and 100, comma-separated');
    }
    const target = fieldParam(query.field);
    if (target.kind !== 'dynamic') throw new InvalidValueError({ path: 'field', location: 'query' }, `field "${query.field}" is not numeric`);
    return this.graphs.stats({ tenant: principal.tenant, query: query.q ?? '', ...range }, target, interval(query.interval, range.from, range.to), percents);
  }
}
