import { call, type Services } from '../../api/clients';
import type { QueryParams, QuerySchemas } from '../../api/types';

export type FieldList = QuerySchemas['FieldList'];

export function discoverFields(query: Services['query'], params: QueryParams<'fieldsDiscover'>): Promise<FieldList> {
  return call('query', query.GET('/v1/fields', { params: { query: params } }));
}
