import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { AlertEntity } from './alert.entity';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

/** `/v1/alerts`: alert definitions, dry runs and history; the `alerts` configuration feed. */
@Module({})
export class AlertsModule {
  static forRoot(config: QueryApiConfig): DynamicModule {
    return {
      module: AlertsModule,
      imports: [TypeOrmModule.forFeature([AlertEntity])],
      controllers: [AlertsController],
      providers: [{ provide: QUERY_API_CONFIG, useValue: config }, AlertsService],
      exports: [AlertsService],
    };
  }
}
