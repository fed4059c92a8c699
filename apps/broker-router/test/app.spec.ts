import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, loadConfig, testServiceEnv } from '@millrace/service-kit';
import { RouterModule } from '../src/app.module';
import { routerConfigSchema } from '../src/config';

let app: NestFastifyApplication;

beforeAll(async () => {
  app = await createTestApp(RouterModule.forRoot(loadConfig(routerConfigSchema, testServiceEnv())));
});
afterAll(() => app?.close());

describe('broker-router service', () => {
  it('is ready when NATS JetStream and PostgreSQL answer, and says so per dependency', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().details).toEqual({ nats: { status: 'up' }, postgres: { status: 'up' } });
  });

  it('serves Prometheus metrics including its consumer settlement counters', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('millrace_messages_settled_total');
    expect(res.body).toContain('millrace_process_cpu_seconds_total');
  });

  it('refuses to start with a malformed setting, naming it', () => {
    expect(() => loadConfig(routerConfigSchema, testServiceEnv({ ROUTER_CONCURRENCY: 'lots' }))).toThrow(/ROUTER_CONCURRENCY/);
  });
});
