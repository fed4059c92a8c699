import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import type { AuthConfig } from './config';
import { AUTH_ENTITIES, authDataSourceOptions } from './data-source';
import { KeysService } from './keys/keys.service';
import { VerifyController } from './keys/verify.controller';
import { OrgsService } from './orgs/orgs.service';

@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        loggingModule('auth', config.LOG_LEVEL),
        TypeOrmModule.forRoot(authDataSourceOptions(config)),
        TypeOrmModule.forFeature(AUTH_ENTITIES),
        NatsModule.forRoot({ config, name: 'auth' }),
        MetricsModule,
        HealthModule.register([PostgresReadiness, NatsReadiness]),
      ],
      controllers: [VerifyController],
      providers: [KeysService, OrgsService, PostgresReadiness],
      exports: [KeysService, OrgsService],
    };
  }
}
