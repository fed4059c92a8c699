import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ClientProxy } from '@nestjs/microservices';
import { of } from 'rxjs';
import { jetstream } from '@nats-io/jetstream';
import { AUTH_CLIENT, KeyVerifier, type OrgSettingsReply, type Principal } from '@millrace/auth-token';
import { decodeRawBatch, type RawBatch } from '@millrace/log-schema';
import { JETSTREAM, NATS_CONNECTION, type JetStreamClient, type NatsConnection } from '@millrace/messaging';
import { GlobalExceptionFilter, loadConfig, testServiceEnv } from '@millrace/service-kit';
import { GatewayModule } from '../src/app.module';
import { gatewayConfigSchema, type GatewayConfig } from '../src/config';
import { acceptRawBodies } from '../src/http/body';

/** Keys the in-process gateway accepts (the e2e tests use the real auth service). */
export const KEYS = {
  ingest: `mlr_ik_${'a'.repeat(43)}`,
  other: `mlr_ik_${'b'.repeat(43)}`,
  read: `mlr_sk_${'c'.repeat(43)}`,
};

export function tenants(run: string): Record<string, Principal> {
  return {
    [KEYS.ingest]: { tenant: `gwa${run}`, kind: 'ingest', scopes: ['logs:write'] },
    [KEYS.other]: { tenant: `gwb${run}`, kind: 'ingest', scopes: ['logs:write'] },
    [KEYS.read]: { tenant: `gwa${run}`, kind: 'service', scopes: ['logs:read'] },
  };
}

export interface GatewayHarness {
  app: NestFastifyApplication;
  config: GatewayConfig;
  /** Every batch the broker acknowledged, decoded (the real JetStream client, recorded). */
  published: RawBatch[];
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Answers of `auth.orgs.settings` (the auth service in production). */
  settings?: (tenant: string) => OrgSettingsReply;
}

/**
 * The gateway in-process against the real test NATS, configured as main.ts does (raw bodies,
 * body limit, error filters), with key verification answered from `principals` instead of
 * the auth service, and the batches JetStream acknowledged recorded.
 */
export async function createGateway(principals: Record<string, Principal>, options: HarnessOptions = {}): Promise<GatewayHarness> {
  const config = loadConfig(gatewayConfigSchema, testServiceEnv({ MAX_BODY_BYTES: String(1024 * 1024), ...options.env }));
  const published: RawBatch[] = [];
  const settings = options.settings ?? (() => ({ found: false }) as OrgSettingsReply);
  const authClient = { send: (_pattern: string, data: { tenant: string }) => of(settings(data.tenant)), close: async () => undefined, emit: () => of(undefined), connect: async () => undefined };
  const moduleRef = await Test.createTestingModule({ imports: [GatewayModule.forRoot(config)] })
    .overrideProvider(KeyVerifier)
    .useValue({ verify: async (key: string) => principals[key] ?? null, evict: () => undefined })
    .overrideProvider(AUTH_CLIENT)
    .useValue(authClient as unknown as ClientProxy)
    .overrideProvider(JETSTREAM)
    .useFactory({
      factory: (nc: NatsConnection): JetStreamClient => {
        const js = jetstream(nc, { timeout: 10000 });
        const publish = js.publish.bind(js);
        js.publish = (async (subject: string, payload: Uint8Array, opts?: object) => {
          const ack = await publish(subject, payload, opts as never);
          if (!ack.duplicate) published.push(decodeRawBatch(payload));
          return ack;
        }) as typeof js.publish;
        return js;
      },
      inject: [NATS_CONNECTION],
    })
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: config.MAX_BODY_BYTES }), { bodyParser: false, logger: false });
  app.useGlobalFilters(new GlobalExceptionFilter());
  acceptRawBodies(app, config.MAX_BODY_BYTES);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, published };
}

export async function closeGateway(harness: GatewayHarness | undefined): Promise<void> {
  await harness?.app.close();
}

/** A counter's value in the Prometheus text of /metrics (0 when absent). */
export async function metric(app: NestFastifyApplication, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (want.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
