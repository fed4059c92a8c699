import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { INDEXER_CONFIG, type IndexerConfig } from './config';
import { IndexerConsumer } from './indexing/indexer.consumer';
import { RetentionService } from './indexing/retention.service';
import { AuthTokenModule } from '@millrace/auth-token';

@Module({})
export class IndexerModule {
  static forRoot(config: IndexerConfig): DynamicModule {
    return {
      module: IndexerModule,
      imports: [
        loggingModule('indexer', config.LOG_LEVEL),
        NatsModule.forRoot({ config, name: 'indexer', ensureStreams: true }),
        OpenSearchModule.forRoot(config),
        // Organisation settings (retention class) come from the auth service; no routes need a guard.
        AuthTokenModule.forRoot({ nats: config, global: false }),
        MetricsModule,
        HealthModule.register([NatsReadiness, OpenSearchReadiness]),
      ],
      providers: [{ provide: INDEXER_CONFIG, useValue: config }, IndexerConsumer, RetentionService],
    };
  }
}
