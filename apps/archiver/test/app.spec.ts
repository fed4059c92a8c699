import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ConfigPublisher } from '@millrace/messaging';
import { createTestApp, loadConfig, testServiceEnv } from '@millrace/service-kit';
import { ArchiverModule } from '../src/app.module';
import { archiverConfigSchema } from '../src/config';
import type { ArchiveConfigItem } from '@millrace/archive-contract';

/** Its own durable consumer: a platform running on the same test servers keeps its messages. */
const DURABLE = `archiver-app-test-${Date.now().toString(36)}`;
let app: NestFastifyApplication;
let nc: NatsConnection;
let publisher: ConfigPublisher<ArchiveConfigItem>;

beforeAll(async () => {
  // The query-api's side of config kind `archives`: no tenant has an archive here.
  nc = await connect({ servers: testServiceEnv().NATS_URL as string, name: 'archiver-app-test' });
  publisher = new ConfigPublisher<ArchiveConfigItem>(nc, 'archives', async () => []);
  publisher.start();
  app = await createTestApp(ArchiverModule.forRoot(loadConfig(archiverConfigSchema, testServiceEnv({ ARCHIVE_CONSUMER_NAME: DURABLE }))));
});
afterAll(async () => {
  await app?.close();
  publisher?.stop();
  await (await jetstreamManager(nc)).consumers.delete('EVENTS', DURABLE).catch(() => undefined);
  await nc?.drain();
});

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('archiver service', () => {
  it('is ready when NATS, PostgreSQL and OpenSearch answer and the archive consumer runs', async () => {
    const res = await eventually(async () => {
      const r = await app.inject({ method: 'GET', url: '/health/ready' });
      return r.statusCode === 200 ? r : undefined;
    });
    expect(Object.keys(res.json().details).sort()).toEqual(['archive', 'nats', 'opensearch', 'postgres']);
    const archive = await app.inject({ method: 'GET', url: '/health/archive' });
    expect(archive.json()).toMatchObject({ status: 'ok', consumer: { running: true }, failingDestinations: [] });
  });

  it('answers liveness without touching its dependencies, and serves metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('millrace_process_resident_memory_bytes');
    expect(metrics).toContain('millrace_archive_upload_failures_total');
  });

  it('refuses to start without its database setting, naming it', () => {
    expect(() => loadConfig(archiverConfigSchema, { ...testServiceEnv(), DATABASE_URL: '' })).toThrow(/DATABASE_URL: is required but not set/);
  });

  it('refuses an ack wait too short for a part to be buffered and uploaded', () => {
    expect(() => loadConfig(archiverConfigSchema, { ...testServiceEnv(), ARCHIVE_PART_MAX_AGE_MS: '60000', ARCHIVE_ACK_WAIT_MS: '30000' })).toThrow(/ARCHIVE_ACK_WAIT_MS/);
    expect(() => loadConfig(archiverConfigSchema, { ...testServiceEnv(), ARCHIVE_RETRY_BACKOFF_MS: '1s' })).toThrow(/ARCHIVE_RETRY_BACKOFF_MS/);
  });
});
