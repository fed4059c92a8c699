import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { ALERTER_CONFIG, type AlerterConfig } from './config';
import { alerterDataSourceOptions } from './data-source';
import { AlertFeed } from './definitions/alert-feed.service';
import { AlertStore } from './store/alert-store';
import { StreamEvaluator } from './stream/stream-evaluator.service';
import { ThresholdEvaluator } from './scheduled/threshold-evaluator.service';
import { Dispatcher } from './notify/dispatcher.service';
import { AlerterRpc } from './rpc/alerter-rpc.service';
import { AlerterLifecycle } from './alerter.lifecycle';

/**
 * Presence and absence alerts on the EVENTS stream, threshold alerts on a schedule against
 * OpenSearch, and the notification outbox; definitions come from the query-api's feed.
 */
@Module({})
export class AlerterModule {
  static forRoot(config: AlerterConfig, options: { evaluate?: boolean } = {}): DynamicModule {
    return {
      module: AlerterModule,
      imports: [
        loggingModule('alerter', config.LOG_LEVEL),
        TypeOrmModule.forRoot(alerterDataSourceOptions(config)),
        NatsModule.forRoot({ config, name: 'alerter', ensureStreams: true }),
        OpenSearchModule.forRoot(config),
        MetricsModule,
        HealthModule.register([NatsReadiness, PostgresReadiness, OpenSearchReadiness]),
      ],
      providers: [
        { provide: ALERTER_CONFIG, useValue: config },
        AlertFeed, AlertStore, StreamEvaluator, ThresholdEvaluator, Dispatcher, AlerterRpc,
        ...(options.evaluate === false ? [] : [AlerterLifecycle]),
      ],
      exports: [AlertFeed, AlertStore, Dispatcher],
    };
  }
}
