import { Transport, type NatsOptions } from '@nestjs/microservices';
import type { NatsConfig } from '@millrace/service-kit';

/** NestJS NATS transport options (server and clients) from validated settings. */
export function natsTransport(config: NatsConfig, name: string, extra: NatsOptions['options'] = {}): NatsOptions {
  return {
    transport: Transport.NATS,
    options: {
      servers: config.NATS_URL.split(',').map((s) => s.trim()),
      user: config.NATS_USER,
      pass: config.NATS_PASSWORD,
      token: config.NATS_TOKEN,
      name,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      ...extra,
    },
  };
}

/** The auth service's request-reply handlers: load-balanced across replicas by the `auth` queue group. */
export function authMicroserviceOptions(config: NatsConfig): NatsOptions {
  return natsTransport(config, 'auth-rpc', { queue: 'auth' });
}
