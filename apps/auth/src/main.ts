import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { AuthModule } from './app.module';
import { authConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(authConfigSchema);
  await bootstrapService(AuthModule.forRoot(config), {
    name: 'auth',
    config,
    openApi: { title: 'Millrace auth', description: 'Organisations, users, roles, keys and sessions' },
    configure: async (app) => {
      // Key verification for the other services: NATS request-reply, load-balanced by queue group.
      app.connectMicroservice<MicroserviceOptions>({
        transport: Transport.NATS,
        options: {
          servers: config.NATS_URL.split(','), user: config.NATS_USER, pass: config.NATS_PASSWORD, token: config.NATS_TOKEN,
          queue: 'auth', name: 'auth-rpc', maxReconnectAttempts: -1, waitOnFirstConnect: true,
        },
      });
      await app.startAllMicroservices();
    },
  });
});
