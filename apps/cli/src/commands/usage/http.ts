import { call, type Services } from '../../api/clients';
import type { QuerySchemas } from '../../api/types';

export type Usage = QuerySchemas['Usage'];
export type Tally = QuerySchemas['AppTally'];

export function getUsage(query: Services['query'], day?: string): Promise<Usage> {
  return call('query', query.GET('/v1/usage', { params: { query: day ? { day } : {} } }));
}
