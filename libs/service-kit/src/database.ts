import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import type { DatabaseConfig } from './config';
import type { ReadinessCheck } from './health';

export interface SchemaOptions {
  /** Each app owns one PostgreSQL schema; no app reads another's tables. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * TypeORM options for an app's own schema. Schemas change through migrations only:
 * `synchronize` stays off and the migrations table lives inside the app's schema.
 */
export function databaseOptions(config: DatabaseConfig, options: SchemaOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    ssl: config.DATABASE_SSL ? { ca: config.DATABASE_SSL_CA_FILE ? readFileSync(config.DATABASE_SSL_CA_FILE, 'utf8') : undefined } : false,
    extra: { max: 10, connectionTimeoutMillis: 5000, options: `-c search_path=${options.schema}` },
  };
}

@Injectable()
export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

/**
 * Apply pending migrations of an app's schema. The schema must exist before TypeORM can create
 * its migrations table inside it, so it is created first (idempotently).
 */
export async function migrateSchema(options: DataSourceOptions & { schema?: string }): Promise<string[]> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
