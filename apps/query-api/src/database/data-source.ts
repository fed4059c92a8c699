import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';
import { QUERY_API_MIGRATIONS } from '../migrations';
import { QUERY_API_ENTITIES } from './entities';

/** The query-api owns the tenant configuration: views, rules, drains, alerts, archives. */
export const QUERY_API_SCHEMA = 'query';

export function queryApiDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return databaseOptions(config, { schema: QUERY_API_SCHEMA, entities: QUERY_API_ENTITIES, migrations: QUERY_API_MIGRATIONS });
}
