import { databaseConfigSchema, loadConfig, migrateSchema, runMain } from '@millrace/service-kit';
import { ALERTER_SCHEMA, alerterDataSourceOptions } from './data-source';

runMain(async () => {
  const applied = await migrateSchema({ ...alerterDataSourceOptions(loadConfig(databaseConfigSchema)), schema: ALERTER_SCHEMA } as never);
  process.stdout.write(`alerter: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}\n`);
});
