import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { AuthModule } from './app.module';
import { authConfigSchema } from './config';
import { authMicroserviceOptions } from './nats';
import { authOpenApiDocument } from './openapi';

runMain(async () => {
  const config = loadConfig(authConfigSchema);
  const root = AuthModule.forRoot(config);
  await bootstrapService(root, {
    name: 'auth',
    config,
    openApi: { title: 'Millrace auth', description: 'Organisations, users, roles, keys and sessions', document: () => authOpenApiDocument(root) },
    configure: async (app) => {
      // Key verification, signing keys and org settings for the other services: NATS request-reply,
      // load-balanced by queue group.
      app.connectMicroservice(authMicroserviceOptions(config));
      await app.startAllMicroservices();
    },
  });
});
