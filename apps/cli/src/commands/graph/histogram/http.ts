import { call, type Services } from '../../../api/clients';
import type { QueryParams, QuerySchemas } from '../../../api/types';

export type Histogram = QuerySchemas['Histogram'];

export function histogram(query: Services['query'], params: QueryParams<'graphsHistogram'>): Promise<Histogram> {
  return call('query', query.GET('/v1/graphs/histogram', { params: { query: params } }));
}
