import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import type { AlerterConfig } from './config';
import { alerterDataSourceOptions } from './data-source';

/** Alerts on the event stream and on schedules; the alert rules arrive with the alerts issue. */
@Module({})
export class AlerterModule {
  static forRoot(config: AlerterConfig): DynamicModule {
    return {
      module: AlerterModule,
      imports: [
        loggingModule('alerter', config.LOG_LEVEL),
        TypeOrmModule.forRoot(alerterDataSourceOptions(config)),
        NatsModule.forRoot({ config, name: 'alerter' }),
        OpenSearchModule.forRoot(config),
        MetricsModule,
        HealthModule.register([NatsReadiness, PostgresReadiness, OpenSearchReadiness]),
      ],
    };
  }
}
