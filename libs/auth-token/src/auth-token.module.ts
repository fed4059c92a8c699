import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { NatsConfig } from '@millrace/service-kit';
import { AuthGuard } from './guard';
import { AUTH_CLIENT, KeyVerifier } from './key-verifier';

export interface AuthTokenModuleOptions {
  nats: NatsConfig;
  /** Register AuthGuard for every route of the app (default true). */
  global?: boolean;
}

/** Key verification through the auth service over NATS (NestJS microservices transport). */
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
        AuthGuard,
        ...(options.global === false ? [] : [{ provide: APP_GUARD, useExisting: AuthGuard }]),
      ],
      exports: [KeyVerifier, AuthGuard, AUTH_CLIENT],
    };
  }
}
