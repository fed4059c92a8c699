import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { INDEXER_CONFIG, type IndexerConfig } from './config';
import { IndexerConsumer } from './indexing/indexer.consumer';

@Module({})
export class IndexerModule {
  static forRoot(config: IndexerConfig): DynamicModule {
    return {
      module: IndexerModule,
      imports: [
        loggingModule('indexer', config.LOG_LEVEL),
        NatsModule.forRoot({ config, name: 'indexer', ensureStreams: true }),
        OpenSearchModule.forRoot(config),
        MetricsModule,
        HealthModule.register([NatsReadiness, OpenSearchReadiness]),
      ],
      providers: [{ provide: INDEXER_CONFIG, useValue: config }, IndexerConsumer],
    };
  }
}
