import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { DrainEntity } from './drain.entity';
import { DrainsController } from './drains.controller';
import { DrainsService } from './drains.service';

/** `/v1/drains` and the `drains` configuration feed. */
@Module({})
export class DrainsModule {
  static forRoot(config: QueryApiConfig): DynamicModule {
    return {
      module: DrainsModule,
      imports: [TypeOrmModule.forFeature([DrainEntity])],
      controllers: [DrainsController],
      providers: [{ provide: QUERY_API_CONFIG, useValue: config }, DrainsService],
    };
  }
}
