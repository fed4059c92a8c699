import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { GatewayModule } from './app.module';
import { gatewayConfigSchema } from './config';
import { acceptRawBodies } from './http/body';

runMain(async () => {
  const config = loadConfig(gatewayConfigSchema);
  await bootstrapService(GatewayModule.forRoot(config), {
    name: 'ingest-gateway',
    config,
    bodyLimit: config.MAX_BODY_BYTES,
    bodyParser: false,
    openApi: { title: 'Millrace ingest gateway', description: 'Every way logs come in; 2xx means stored' },
    configure: (app) => acceptRawBodies(app, config.MAX_BODY_BYTES),
  });
});
