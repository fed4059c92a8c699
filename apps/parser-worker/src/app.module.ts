import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { PARSER_CONFIG, type ParserConfig } from './config';
import { ParserConsumer } from './worker/parser.consumer';
import { TenantConfigService } from './tenant-config/tenant-config.service';

@Module({})
export class ParserModule {
  static forRoot(config: ParserConfig): DynamicModule {
    return {
      module: ParserModule,
      imports: [
        loggingModule('parser-worker', config.LOG_LEVEL),
        NatsModule.forRoot({ config, name: 'parser-worker', ensureStreams: true }),
        MetricsModule,
        HealthModule.register([NatsReadiness]),
      ],
      providers: [{ provide: PARSER_CONFIG, useValue: config }, TenantConfigService, ParserConsumer],
    };
  }
}
