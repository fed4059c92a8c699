import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { RouterModule } from './app.module';
import { routerConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(routerConfigSchema);
  await bootstrapService(RouterModule.forRoot(config), { name: 'broker-router', config });
});
