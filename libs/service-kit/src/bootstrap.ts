import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { frameworkError, GlobalExceptionFilter } from './errors';
import { httpServerOptions } from './http-server';
import type { BaseConfig } from './config';

export interface ServiceOptions {
  name: string;
  config: BaseConfig;
  /** Largest request body accepted, in bytes (Fastify rejects bigger ones with 413). */
  bodyLimit?: number;
  /**
   * Publish OpenAPI docs at /docs (JSON at /docs/openapi.json). `document` gives the finished
   * document (built from the routes' schemas, see buildOpenApiDocument); without it the
   * document is scanned from @nestjs/swagger decorators.
   */
  openApi?: { title: string; description: string; version?: string; document?: () => Record<string, unknown> };
  /** Let Nest parse JSON bodies (default). Off where routes read raw bytes themselves. */
  bodyParser?: boolean;
  /** Extra set-up before listening (content-type parsers, microservices, ...). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Create, configure and start a Millrace service the same way everywhere. */
export async function bootstrapService(module: unknown, options: ServiceOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Forwarded headers only from TRUSTED_PROXIES; explicit timeouts and connection limits.
    ...httpServerOptions(options.config),
    requestIdHeader: false,
    frameworkErrors: frameworkError,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, { bufferLogs: true, bodyParser: options.bodyParser ?? true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new GlobalExceptionFilter());
  app.enableShutdownHooks();
  app.getHttpAdapter().getInstance().addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', String(request.id));
  });
  if (options.openApi) {
    const document = options.openApi.document ? (options.openApi.document() as unknown as OpenAPIObject) : SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle(options.openApi.title)
        .setDescription(options.openApi.description)
        .setVersion(options.openApi.version ?? '0.1.0')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  }
  await options.configure?.(app);
  await app.listen(options.config.HTTP_PORT, options.config.HTTP_HOST);
  return app;
}

/** Entry-point wrapper: configuration errors print plainly and exit 1 before anything starts. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error && error.name === 'ConfigError' ? error.message : error instanceof Error ? error.stack : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
