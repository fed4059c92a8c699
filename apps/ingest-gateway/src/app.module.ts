import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { AuthTokenModule } from '@millrace/auth-token';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { IngestService } from './ingest/ingest.service';
import { MezmoController } from './http/mezmo.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        loggingModule('ingest-gateway', config.LOG_LEVEL),
        NatsModule.forRoot({ config, name: 'ingest-gateway', ensureStreams: true }),
        AuthTokenModule.forRoot({ nats: config }),
        MetricsModule,
        HealthModule.register([NatsReadiness]),
      ],
      controllers: [MezmoController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, IngestService],
    };
  }
}
