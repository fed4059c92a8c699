import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';
import { ApiKey } from './keys/api-key.entity';
import { Organisation } from './orgs/organisation.entity';
import { RefreshToken } from './sessions/refresh-token.entity';
import { SigningKey } from './signing-keys/signing-key.entity';
import { Membership } from './users/membership.entity';
import { User } from './users/user.entity';
import { AUTH_MIGRATIONS } from './migrations';

export const AUTH_SCHEMA = 'auth';
export const AUTH_ENTITIES = [Organisation, ApiKey, User, Membership, RefreshToken, SigningKey];

export function authDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return databaseOptions(config, { schema: AUTH_SCHEMA, entities: AUTH_ENTITIES, migrations: AUTH_MIGRATIONS });
}
