import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { QueryApiModule } from './app.module';
import { queryApiConfigSchema } from './config';
import { queryApiOpenApiDocument } from './openapi';

runMain(async () => {
  const config = loadConfig(queryApiConfigSchema);
  const root = QueryApiModule.forRoot(config);
  await bootstrapService(root, {
    name: 'query-api',
    config,
    openApi: { title: 'Millrace query API', description: 'Search, graphs, export, live tail and configuration', document: () => queryApiOpenApiDocument(root) },
  });
});
