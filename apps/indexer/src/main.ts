import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { IndexerModule } from './app.module';
import { indexerConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(indexerConfigSchema);
  await bootstrapService(IndexerModule.forRoot(config), { name: 'indexer', config });
});
