import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OrgSettingsClient } from './org-settings.client';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { NatsConfig } from '@millrace/service-kit';
import { AuthGuard, KEY_VERIFICATION } from './guard';
import { AUTH_CLIENT, KeyVerifier } from './key-verifier';
import { NatsSessionVerifier, SESSION_VERIFIER } from './session-verifier';

export interface AuthTokenModuleOptions {
  nats: NatsConfig;
  /** Register AuthGuard for every route of the app (default true). */
  global?: boolean;
}

/**
 * Credential verification through the auth service over NATS (NestJS microservices transport):
 * keys by `auth.keys.verify`, session tokens by signature with keys from `auth.keys.jwks`.
 */
@Module({})
export class AuthTokenModule {
  static forRoot(options: AuthTokenModuleOptions): DynamicModule {
    const { nats } = options;
    return {
      module: AuthTokenModule,
      global: true,
      providers: [
        {
          provide: AUTH_CLIENT,
          useFactory: () =>
            ClientProxyFactory.create({
              transport: Transport.NATS,
              options: {
                servers: nats.NATS_URL.split(',').map((s) => s.trim()),
                user: nats.NATS_USER,
                pass: nats.NATS_PASSWORD,
                token: nats.NATS_TOKEN,
                name: 'auth-client',
                maxReconnectAttempts: -1,
                waitOnFirstConnect: true,
              },
            }),
        },
        KeyVerifier,
        { provide: KEY_VERIFICATION, useExisting: KeyVerifier },
        NatsSessionVerifier,
        { provide: SESSION_VERIFIER, useExisting: NatsSessionVerifier },
        AuthGuard,
        OrgSettingsClient,
        ...(options.global === false ? [] : [{ provide: APP_GUARD, useExisting: AuthGuard }]),
      ],
      exports: [KeyVerifier, NatsSessionVerifier, KEY_VERIFICATION, SESSION_VERIFIER, AuthGuard, AUTH_CLIENT, OrgSettingsClient],
    };
  }
}
