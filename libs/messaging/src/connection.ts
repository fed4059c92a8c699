import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import type { NatsConfig } from '@millrace/service-kit';

/** Connection options from validated settings: reconnect forever, TLS and credentials when given. */
export function natsConnectionOptions(config: NatsConfig, name: string): ConnectionOptions {
  const tls = config.NATS_TLS_CA_FILE || config.NATS_TLS_CERT_FILE
    ? {
        ca: config.NATS_TLS_CA_FILE ? readFileSync(config.NATS_TLS_CA_FILE, 'utf8') : undefined,
        cert: config.NATS_TLS_CERT_FILE ? readFileSync(config.NATS_TLS_CERT_FILE, 'utf8') : undefined,
        key: config.NATS_TLS_KEY_FILE ? readFileSync(config.NATS_TLS_KEY_FILE, 'utf8') : undefined,
      }
    : undefined;
  return {
    servers: config.NATS_URL.split(',').map((s) => s.trim()),
    name,
    user: config.NATS_USER,
    pass: config.NATS_PASSWORD,
    token: config.NATS_TOKEN,
    tls,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // A service started before NATS keeps trying instead of crashing; readiness reports it.
    waitOnFirstConnect: true,
    pingInterval: 10000,
  };
}

export function connectNats(config: NatsConfig, name: string): Promise<NatsConnection> {
  return connect(natsConnectionOptions(config, name));
}
