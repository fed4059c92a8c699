import { databaseConfigSchema, loadConfig, migrateSchema, runMain } from '@millrace/service-kit';
import { ROUTER_SCHEMA, routerDataSourceOptions } from './database/data-source';

/** `node dist/migrate.js`: apply pending migrations of the router schema. */
runMain(async () => {
  const applied = await migrateSchema({ ...routerDataSourceOptions(loadConfig(databaseConfigSchema)), schema: ROUTER_SCHEMA } as never);
  process.stdout.write(`broker-router: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}\n`);
});
