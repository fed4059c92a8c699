import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';
import { ALERTER_MIGRATIONS } from './migrations';

export const ALERTER_SCHEMA = 'alerter';

/** The alerter's own schema; it reads its tables with plain SQL (no entities). */
export function alerterDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return databaseOptions(config, { schema: ALERTER_SCHEMA, entities: [], migrations: ALERTER_MIGRATIONS });
}
