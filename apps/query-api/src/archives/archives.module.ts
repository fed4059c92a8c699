import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { ArchiveConfigEntity } from './archive-config.entity';
import { ArchiverClient } from './archiver.client';
import { ArchivesController } from './archives.controller';
import { ArchivesService } from './archives.service';

/** Archive destinations (served to the archiver as config kind `archives`) and rehydration jobs (worked by the archiver). */
@Module({})
export class ArchivesModule {
  static forRoot(config: QueryApiConfig): DynamicModule {
    return {
      module: ArchivesModule,
      imports: [TypeOrmModule.forFeature([ArchiveConfigEntity])],
      controllers: [ArchivesController],
      providers: [{ provide: QUERY_API_CONFIG, useValue: config }, ArchivesService, ArchiverClient],
      exports: [ArchiverClient],
    };
  }
}
