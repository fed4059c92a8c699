import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';
import { ARCHIVER_MIGRATIONS } from './migrations';
import { RehydrationJob } from './rehydration/job.entity';

export const ARCHIVER_SCHEMA = 'archiver';
export const ARCHIVER_ENTITIES = [RehydrationJob];

export function archiverDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return databaseOptions(config, { schema: ARCHIVER_SCHEMA, entities: ARCHIVER_ENTITIES, migrations: ARCHIVER_MIGRATIONS });
}
