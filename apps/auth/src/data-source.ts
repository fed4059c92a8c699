import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';
import { ApiKey } from './keys/api-key.entity';
import { Organisation } from './orgs/organisation.entity';
import { AUTH_MIGRATIONS } from './migrations';

export const AUTH_SCHEMA = 'auth';
export const AUTH_ENTITIES = [Organisation, ApiKey];

export function authDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return databaseOptions(config, { schema: AUTH_SCHEMA, entities: AUTH_ENTITIES, migrations: AUTH_MIGRATIONS });
}
