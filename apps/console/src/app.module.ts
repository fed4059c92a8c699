import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, loggingModule } from '@millrace/service-kit';
import { CONSOLE_CONFIG, type ConsoleConfig } from './config';
import { AuthClient } from './session/auth-client';
import { SessionCookies } from './session/cookies';
import { SessionController } from './session/session.controller';
import { SessionService } from './session/session.service';
import { WebBundleReadiness } from './web/web';

@Module({})
export class ConsoleModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    const configProvider = { provide: CONSOLE_CONFIG, useValue: config };
    return {
      module: ConsoleModule,
      imports: [
        loggingModule('console', config.LOG_LEVEL),
        MetricsModule,
        // Ready = the application is there to serve. Not the upstreams: when the query-api or auth
        // is down the page must still load and say so, not disappear behind a failing probe.
        HealthModule.register([WebBundleReadiness], [{ module: class ConsoleConfigModule {}, providers: [configProvider], exports: [configProvider], global: true }]),
      ],
      controllers: [SessionController],
      providers: [configProvider, AuthClient, SessionCookies, SessionService],
    };
  }
}
