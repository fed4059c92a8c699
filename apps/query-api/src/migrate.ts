import { databaseConfigSchema, loadConfig, migrateSchema, runMain } from '@millrace/service-kit';
import { QUERY_API_SCHEMA, queryApiDataSourceOptions } from './database/data-source';

/** `node dist/migrate.js`: apply pending migrations of the query schema. */
runMain(async () => {
  const applied = await migrateSchema({ ...queryApiDataSourceOptions(loadConfig(databaseConfigSchema)), schema: QUERY_API_SCHEMA } as never);
  process.stdout.write(`query-api: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}\n`);
});
