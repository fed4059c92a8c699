import fastifyCookie from '@fastify/cookie';
import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { ConsoleModule } from './app.module';
import { consoleConfigSchema } from './config';
import { registerProxy } from './proxy/proxy';
import { SessionCookies } from './session/cookies';
import { SessionService } from './session/session.service';
import { registerWeb } from './web/web';

runMain(async () => {
  const config = loadConfig(consoleConfigSchema);
  await bootstrapService(ConsoleModule.forRoot(config), {
    name: 'console',
    config,
    configure: async (app) => {
      await app.register(fastifyCookie);
      await registerWeb(app, config);
      await registerProxy(app, config, app.get(SessionCookies), app.get(SessionService));
    },
  });
});
