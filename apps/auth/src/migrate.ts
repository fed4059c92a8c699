import { loadConfig, migrateSchema, runMain, databaseConfigSchema } from '@millrace/service-kit';
import { AUTH_SCHEMA, authDataSourceOptions } from './data-source';

/** `node dist/migrate.js`: apply pending migrations of the auth schema (Helm runs it as a hook Job). */
runMain(async () => {
  const config = loadConfig(databaseConfigSchema);
  const applied = await migrateSchema({ ...authDataSourceOptions(config), schema: AUTH_SCHEMA } as never);
  process.stdout.write(`auth: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}\n`);
});
