import { call, type RestClient } from '../../api/clients';

export interface Tally {
  received: number;
  receivedBytes: number;
  kept: number;
  keptBytes: number;
  excluded: number;
  sampled: number;
  noIndex: number;
  overQuota: number;
  overQuotaBytes: number;
}

export interface Usage {
  tenant: string;
  day: string;
  apps: Array<Tally & { app: string }>;
  totals: Tally;
  quota: { exceeded?: boolean; limitBytes?: number; [key: string]: unknown };
}

export function getUsage(query: RestClient, day?: string): Promise<Usage> {
  return call<Usage>('query', query.GET('/v1/usage', { params: { query: day ? { day } : {} } }));
}
