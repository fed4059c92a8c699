import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { ArchiverModule } from './app.module';
import { archiverConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(archiverConfigSchema);
  await bootstrapService(ArchiverModule.forRoot(config), { name: 'archiver', config });
});
