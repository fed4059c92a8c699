import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { AuthTokenModule } from '@millrace/auth-token';
import { QUERY_API_CONFIG, type QueryApiConfig } from './config';
import { SearchController } from './search/search.controller';
import { SearchService } from './search/search.service';

@Module({})
export class QueryApiModule {
  static forRoot(config: QueryApiConfig): DynamicModule {
    return {
      module: QueryApiModule,
      imports: [
        loggingModule('query-api', config.LOG_LEVEL),
        NatsModule.forRoot({ config, name: 'query-api' }),
        OpenSearchModule.forRoot(config),
        AuthTokenModule.forRoot({ nats: config }),
        MetricsModule,
        HealthModule.register([NatsReadiness, OpenSearchReadiness]),
      ],
      controllers: [SearchController],
      providers: [{ provide: QUERY_API_CONFIG, useValue: config }, SearchService],
    };
  }
}
