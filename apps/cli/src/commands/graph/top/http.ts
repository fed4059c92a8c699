import { call, type RestClient } from '../../../api/clients';

export interface TopValues {
  field: string;
  values: Array<{ value: string | number; count: number }>;
  other: number;
}

export function topValues(query: RestClient, params: { field: string; q: string; from?: string; to?: string; size?: number }): Promise<TopValues> {
  return call<TopValues>('query', query.GET('/v1/graphs/top', { params: { query: params } }));
}
