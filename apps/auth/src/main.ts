import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { AuthModule } from './app.module';
import { authConfigSchema } from './config';
import { authMicroserviceOptions } from './nats';

runMain(async () => {
  const config = loadConfig(authConfigSchema);
  await bootstrapService(AuthModule.forRoot(config), {
    name: 'auth',
    config,
    openApi: { title: 'Millrace auth', description: 'Organisations, users, roles, keys and sessions' },
    configure: async (app) => {
      // Key verification, signing keys and org settings for the other services: NATS request-reply,
      // load-balanced by queue group.
      app.connectMicroservice(authMicroserviceOptions(config));
      await app.startAllMicroservices();
    },
  });
});
