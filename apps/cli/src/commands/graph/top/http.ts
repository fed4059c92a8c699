import { call, type Services } from '../../../api/clients';
import type { QueryParams, QuerySchemas } from '../../../api/types';

export type TopValues = QuerySchemas['TopValues'];

export function topValues(query: Services['query'], params: QueryParams<'graphsTop'>): Promise<TopValues> {
  return call('query', query.GET('/v1/graphs/top', { params: { query: params } }));
}
