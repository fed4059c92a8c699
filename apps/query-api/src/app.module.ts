import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { SearchEngineErrors } from './search/engine-errors';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { queryApiDataSourceOptions } from './database/data-source';
import { QUERY_API_ENTITIES } from './database/entities';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { AuthTokenModule } from '@millrace/auth-token';
import { QUERY_API_CONFIG, type QueryApiConfig } from './config';
import { SearchController } from './search/search.controller';
import { GraphsController } from './graphs/graphs.controller';
import { GraphsService } from './graphs/graphs.service';
import { FieldsController } from './fields/fields.controller';
import { FieldsService } from './fields/fields.service';
import { ContextController } from './events/context.controller';
import { ContextService } from './events/context.service';
import { ExportController } from './export/export.controller';
import { ViewsController } from './views/views.controller';
import { ViewsService } from './views/views.service';
import { ParsingModule } from './parsing/parsing.module';
import { SearchService } from './search/search.service';
import { TenantScope } from './search/scope';
import { AlertsModule } from './alerts/alerts.module';
import { ArchivesModule } from './archives/archives.module';
import { RoutingModule } from './routing/routing.module';
import { DrainsModule } from './drains/drains.module';
import { UsageModule } from './usage/usage.module';
import { TailModule } from './tail/tail.module';
import { Sealer } from '@millrace/sealing';
import { useSealer } from './database/sealed-columns';
import { SealingMaintenance } from './database/sealing-maintenance';

@Module({})
export class QueryApiModule {
  static forRoot(config: QueryApiConfig): DynamicModule {
    // Sealed columns (drain URLs, alert channels) seal and open with these keys.
    useSealer(new Sealer(config.SEALING_KEY, config.SEALING_OLD_KEYS));
    return {
      module: QueryApiModule,
      imports: [
        loggingModule('query-api', config.LOG_LEVEL),
        TypeOrmModule.forRoot(queryApiDataSourceOptions(config)),
        TypeOrmModule.forFeature(QUERY_API_ENTITIES),
        NatsModule.forRoot({ config, name: 'query-api' }),
        OpenSearchModule.forRoot(config),
        AuthTokenModule.forRoot({ nats: config }),
        MetricsModule,
        HealthModule.register([NatsReadiness, OpenSearchReadiness, PostgresReadiness]),
        ParsingModule,
        AlertsModule.forRoot(config),
        ArchivesModule.forRoot(config),
        RoutingModule,
        DrainsModule.forRoot(config),
        UsageModule,
        TailModule.forRoot(config),
      ],
      controllers: [SearchController, GraphsController, FieldsController, ContextController, ExportController, ViewsController],
      providers: [
        { provide: QUERY_API_CONFIG, useValue: config }, { provide: APP_INTERCEPTOR, useClass: SearchEngineErrors }, SealingMaintenance,
        TenantScope, SearchService, GraphsService, FieldsService, ContextService, ViewsService,
      ],
    };
  }
}
