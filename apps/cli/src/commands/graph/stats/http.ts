import { call, type Services } from '../../../api/clients';
import type { QueryParams, QuerySchemas } from '../../../api/types';

export type NumericStats = QuerySchemas['NumericStats'];
export type StatsRow = NumericStats['overall'];

export function numericStats(query: Services['query'], params: QueryParams<'graphsStats'>): Promise<NumericStats> {
  return call('query', query.GET('/v1/graphs/stats', { params: { query: params } }));
}
