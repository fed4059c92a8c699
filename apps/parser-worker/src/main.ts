import { bootstrapService, loadConfig, runMain } from '@millrace/service-kit';
import { ParserModule } from './app.module';
import { parserConfigSchema } from './config';

runMain(async () => {
  const config = loadConfig(parserConfigSchema);
  await bootstrapService(ParserModule.forRoot(config), { name: 'parser-worker', config });
});
