import { databaseConfigSchema, loadConfig, migrateSchema, runMain } from '@millrace/service-kit';
import { ARCHIVER_SCHEMA, archiverDataSourceOptions } from './data-source';

runMain(async () => {
  const applied = await migrateSchema({ ...archiverDataSourceOptions(loadConfig(databaseConfigSchema)), schema: ARCHIVER_SCHEMA } as never);
  process.stdout.write(`archiver: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}\n`);
});
