import { call, type RestClient } from '../../api/clients';
import type { EventView } from '../../output/events';

export interface SearchParams {
  q: string;
  from?: string;
  to?: string;
  limit: number;
  order: 'asc' | 'desc';
  cursor?: string;
}

export interface SearchPage {
  events: EventView[];
  nextCursor?: string;
}

export function searchPage(query: RestClient, params: SearchParams, signal?: AbortSignal): Promise<SearchPage> {
  return call<SearchPage>('query', query.GET('/v1/search', { params: { query: params }, signal }));
}
