import { call, type RestClient } from '../../../api/clients';

export interface Histogram {
  interval: string;
  buckets: number[];
  total: number[];
  series?: Array<{ key: string; counts: number[] }>;
}

export function histogram(query: RestClient, params: { q: string; from?: string; to?: string; interval?: string; split?: string; top?: number }): Promise<Histogram> {
  return call<Histogram>('query', query.GET('/v1/graphs/histogram', { params: { query: params } }));
}
