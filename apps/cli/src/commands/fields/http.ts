import { call, type RestClient } from '../../api/clients';

export interface FieldSummary {
  name: string;
  types: string[];
  count: number;
  examples: unknown[];
}

export async function discoverFields(query: RestClient, params: { q: string; from?: string; to?: string; sample?: number }): Promise<{ fields: FieldSummary[]; sampled?: number }> {
  const answer = await call<{ fields: FieldSummary[]; sampled?: number } | FieldSummary[]>('query', query.GET('/v1/fields', { params: { query: params } }));
  return Array.isArray(answer) ? { fields: answer } : answer;
}
