import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { ROUTER_CONFIG, type RouterConfig } from './config';
import { routerDataSourceOptions } from './database/data-source';
import { DrainManager } from './drains/drain-manager';
import { RouterConsumer } from './routing/router.consumer';
import { RoutingRulesFeed } from './routing/rules.feed';
import { UsageService } from './usage/usage.service';

@Module({})
export class RouterModule {
  static forRoot(config: RouterConfig): DynamicModule {
    return {
      module: RouterModule,
      imports: [
        loggingModule('broker-router', config.LOG_LEVEL),
        TypeOrmModule.forRoot(routerDataSourceOptions(config)),
        NatsModule.forRoot({ config, name: 'broker-router', ensureStreams: true }),
        MetricsModule,
        HealthModule.register([NatsReadiness, PostgresReadiness]),
      ],
      providers: [{ provide: ROUTER_CONFIG, useValue: config }, RoutingRulesFeed, UsageService, DrainManager, RouterConsumer],
    };
  }
}
