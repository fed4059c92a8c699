import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, MetricsModule, PostgresReadiness, loggingModule } from '@millrace/service-kit';
import { NatsModule, NatsReadiness } from '@millrace/messaging';
import { AuthGuard, KEY_VERIFICATION, SESSION_VERIFIER } from '@millrace/auth-token';
import { AUTH_CONFIG, type AuthConfig } from './config';
import { AUTH_ENTITIES, authDataSourceOptions } from './data-source';
import { KeyEvents } from './keys/key-events';
import { KeysController } from './keys/keys.controller';
import { KeysService } from './keys/keys.service';
import { VerifyController } from './keys/verify.controller';
import { LocalKeyVerification, LocalSessionVerification } from './local-credentials';
import { OrgSettingsRpc } from './orgs/org-settings.rpc';
import { OrgsController } from './orgs/orgs.controller';
import { OrgsService } from './orgs/orgs.service';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { JwksController } from './signing-keys/jwks.controller';
import { SigningKeysService } from './signing-keys/signing-keys.service';
import { BootstrapOwner } from './users/bootstrap-owner';
import { MembersController } from './users/members.controller';
import { MembersService } from './users/members.service';

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
      controllers: [
        OrgsController, OrgSettingsRpc,
        MembersController,
        KeysController, VerifyController,
        SessionsController,
        JwksController,
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        PostgresReadiness,
        OrgsService,
        MembersService, BootstrapOwner,
        KeysService, KeyEvents,
        SessionsService,
        SigningKeysService,
        // The same guard every service uses; here it checks credentials against the auth schema directly.
        LocalKeyVerification, { provide: KEY_VERIFICATION, useExisting: LocalKeyVerification },
        LocalSessionVerification, { provide: SESSION_VERIFIER, useExisting: LocalSessionVerification },
        AuthGuard, { provide: APP_GUARD, useExisting: AuthGuard },
      ],
      exports: [KeysService, OrgsService],
    };
  }
}
