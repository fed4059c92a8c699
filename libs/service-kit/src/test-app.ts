import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { GlobalExceptionFilter } from './errors';

/** Boot a service module in-process, as `bootstrapService` does, for tests using `app.inject`. */
export async function createTestApp(module: unknown): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module as never, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new GlobalExceptionFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * Every HTTP route a service module registers once started (Nest controllers and routes added to
 * Fastify directly, such as WebSocket upgrades), in OpenAPI form (`/v1/things/{id}`). HEAD
 * routes Fastify adds by itself are left out.
 */
export async function routesServedBy(module: unknown): Promise<string[]> {
  const app = await NestFactory.create<NestFastifyApplication>(module as never, new FastifyAdapter(), { logger: false });
  const routes = new Set<string>();
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD') continue;
      routes.add(`${method.toLowerCase()} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    }
  });
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } finally {
    await app.close();
  }
  return [...routes].sort();
}
