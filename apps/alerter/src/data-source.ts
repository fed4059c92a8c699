import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';

export const ALERTER_SCHEMA = 'alerter';

export function alerterDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return databaseOptions(config, { schema: ALERTER_SCHEMA, entities: [], migrations: [] });
}
