import { databaseOptions, type DatabaseConfig } from '@millrace/service-kit';
import type { DataSourceOptions } from 'typeorm';
import { ROUTER_MIGRATIONS } from '../migrations';

/** The broker-router's own schema: usage counters and drain status (no tenant configuration). */
export const ROUTER_SCHEMA = 'router';

export function routerDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  // Counters are written with plain SQL (batched upserts), so there are no entities.
  return databaseOptions(config, { schema: ROUTER_SCHEMA, entities: [], migrations: ROUTER_MIGRATIONS });
}
