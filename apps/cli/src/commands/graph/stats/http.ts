import { call, type RestClient } from '../../../api/clients';

export interface StatsRow {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  percentiles: Record<string, number | null>;
}

export interface NumericStats {
  interval: string;
  overall: StatsRow;
  buckets: Array<StatsRow & { ts: number }>;
}

export function numericStats(query: RestClient, params: { field: string; q: string; from?: string; to?: string; interval?: string; percentiles?: string }): Promise<NumericStats> {
  return call<NumericStats>('query', query.GET('/v1/graphs/stats', { params: { query: params } }));
}
