import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { AlerterModule } from './app.module';
import { alerterConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(alerterConfigSchema);
  await bootstrapService(AlerterModule.forRoot(config), { name: 'alerter', config });
});
