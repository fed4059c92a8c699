import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { ROUTER_CONFIG, type RouterConfig } from './config';
import { RouterConsumer } from './routing/router.consumer';

@Module({})
export class RouterModule {
  static forRoot(config: RouterConfig): DynamicModule {
    return {
      module: RouterModule,
      imports: [
        loggingModule('broker-router', config.LOG_LEVEL),
        NatsModule.forRoot({ config, name: 'broker-router', ensureStreams: true }),
        MetricsModule,
        HealthModule.register([NatsReadiness]),
      ],
      providers: [{ provide: ROUTER_CONFIG, useValue: config }, RouterConsumer],
    };
  }
}
