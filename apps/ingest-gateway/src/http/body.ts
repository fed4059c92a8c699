import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IngestExceptionFilter } from './ingest-filter';

/**
 * Every ingestion body arrives as raw bytes, whatever its Content-Type (or none): each protocol
 * decodes its own format, and `decompressBody` inflates compressed bodies with a hard output cap
 * (a zip bomb gets 413). The ingestion error filter is registered globally (after the standard
 * one, so it is asked first): errors Fastify raises before a route runs, such as a body over
 * the limit, are then also answered in the route's dialect and counted.
 */
export function acceptRawBodies(app: NestFastifyApplication, maxBodyBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
  app.useGlobalFilters(new IngestExceptionFilter());
}
