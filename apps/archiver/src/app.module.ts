import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import type { ArchiverConfig } from './config';
import { archiverDataSourceOptions } from './data-source';

/** Archives events per tenant and hour; the archive consumer arrives with the archives issue. */
@Module({})
export class ArchiverModule {
  static forRoot(config: ArchiverConfig): DynamicModule {
    return {
      module: ArchiverModule,
      imports: [
        loggingModule('archiver', config.LOG_LEVEL),
        TypeOrmModule.forRoot(archiverDataSourceOptions(config)),
        NatsModule.forRoot({ config, name: 'archiver' }),
        OpenSearchModule.forRoot(config),
        MetricsModule,
        HealthModule.register([NatsReadiness, PostgresReadiness, OpenSearchReadiness]),
      ],
    };
  }
}
