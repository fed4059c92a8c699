import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, loadConfig, testServiceEnv } from '@millrace/service-kit';
import { AlerterModule } from '../src/app.module';
import { alerterConfigSchema } from '../src/config';

let app: NestFastifyApplication;

beforeAll(async () => {
  // Health only: the evaluation loops (shared durable consumer, shared schema) stay off in-process.
  app = await createTestApp(AlerterModule.forRoot(loadConfig(alerterConfigSchema, testServiceEnv()), { evaluate: false }));
});
afterAll(() => app?.close());

describe('alerter service', () => {
  it('is ready when NATS, PostgreSQL and OpenSearch answer', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().details).sort()).toEqual(['nats', 'opensearch', 'postgres']);
  });

  it('answers liveness without touching its dependencies, and serves metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('millrace_process_resident_memory_bytes');
  });

  it('refuses to start without its database setting, naming it', () => {
    expect(() => loadConfig(alerterConfigSchema, { ...testServiceEnv(), DATABASE_URL: '' })).toThrow(/DATABASE_URL: is required but not set/);
  });
});
