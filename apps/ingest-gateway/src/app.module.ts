import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { AuthTokenModule } from '@millrace/auth-token';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { AdmissionService } from './ingest/admission.service';
import { IngestService } from './ingest/ingest.service';
import { HttpIngest } from './http/ingest-http';
import { MezmoController } from './http/mezmo.controller';
import { V1IngestController } from './http/v1-ingest.controller';
import { LogplexController } from './http/logplex.controller';
import { OtlpController } from './http/otlp.controller';
import { LokiController } from './http/loki.controller';
import { SplunkHecController } from './http/splunk.controller';
import { GelfController } from './http/gelf.controller';
import { LogscaleController } from './http/logscale.controller';
import { ElasticsearchController } from './http/elasticsearch.controller';
import { ListenersService } from './listeners/listeners.service';

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
      controllers: [
        MezmoController, V1IngestController, LogplexController, OtlpController, LokiController,
        SplunkHecController, GelfController, LogscaleController,
        // Last: its `/:index` probe routes are the catch-all of the Elasticsearch API.
        ElasticsearchController,
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, AdmissionService, IngestService, HttpIngest, ListenersService],
    };
  }
}
