import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';

export const ARCHIVER_SCHEMA = 'archiver';

export function archiverDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return databaseOptions(config, { schema: ARCHIVER_SCHEMA, entities: [], migrations: [] });
}
