import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, OpenSearchModule, OpenSearchReadiness, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { ARCHIVER_CONFIG, type ArchiverConfig } from './config';
import { ARCHIVER_ENTITIES, archiverDataSourceOptions } from './data-source';
import { ArchiveConsumer } from './archive/archive.consumer';
import { Destinations } from './archive/destinations';
import { ArchiveHealthController, ArchiveReadiness } from './health/archive-health';
import { ArchiveRpc } from './rehydration/archive.rpc';
import { RehydrationCleanup } from './rehydration/cleanup.service';
import { JobsService } from './rehydration/jobs.service';
import { RehydrationWorker } from './rehydration/rehydration.worker';

/** The archive consumer, the destinations, rehydration; global so the readiness check can see the consumer. */
@Module({})
export class ArchiveModule {
  static forRoot(config: ArchiverConfig): DynamicModule {
    return {
      module: ArchiveModule,
      global: true,
      imports: [TypeOrmModule.forFeature(ARCHIVER_ENTITIES)],
      controllers: [ArchiveHealthController],
      providers: [
        { provide: ARCHIVER_CONFIG, useValue: config },
        Destinations, ArchiveConsumer, JobsService, RehydrationWorker, RehydrationCleanup, ArchiveRpc,
      ],
      exports: [ARCHIVER_CONFIG, Destinations, ArchiveConsumer, JobsService, RehydrationWorker, RehydrationCleanup],
    };
  }
}

/** EVENTS → compressed NDJSON per tenant and hour in the tenants' object stores; rehydration back into search. */
@Module({})
export class ArchiverModule {
  static forRoot(config: ArchiverConfig): DynamicModule {
    return {
      module: ArchiverModule,
      imports: [
        loggingModule('archiver', config.LOG_LEVEL),
        TypeOrmModule.forRoot(archiverDataSourceOptions(config)),
        NatsModule.forRoot({ config, name: 'archiver', ensureStreams: true }),
        OpenSearchModule.forRoot(config),
        MetricsModule,
        ArchiveModule.forRoot(config),
        HealthModule.register([NatsReadiness, PostgresReadiness, OpenSearchReadiness, ArchiveReadiness]),
      ],
    };
  }
}
