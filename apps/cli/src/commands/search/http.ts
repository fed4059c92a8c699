import { call, type Services } from '../../api/clients';
import type { QueryParams, QuerySchemas } from '../../api/types';

export type SearchPage = QuerySchemas['SearchPage'];
export type SearchParams = QueryParams<'searchFind'>;

export function searchPage(query: Services['query'], params: SearchParams, signal?: AbortSignal): Promise<SearchPage> {
  return call('query', query.GET('/v1/search', { params: { query: params }, signal }));
}
