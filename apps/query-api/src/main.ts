import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { QueryApiModule } from './app.module';
import { queryApiConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(queryApiConfigSchema);
  await bootstrapService(QueryApiModule.forRoot(config), {
    name: 'query-api',
    config,
    openApi: { title: 'Millrace query API', description: 'Search, graphs, export, live tail and configuration' },
  });
});
