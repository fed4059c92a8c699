import { HttpException, HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { gunzipSync, inflateSync } from 'node:zlib';

/**
 * Every ingestion body arrives as raw bytes: each protocol decodes its own format, and
 * compressed bodies are inflated here with a hard output cap (a zip bomb gets 413).
 */
export function acceptRawBodies(app: NestFastifyApplication, maxBodyBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
}

export function decodeBody(body: unknown, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(raw, { maxOutputLength: maxBytes });
    if (encoding === 'deflate') return inflateSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /too large|maxOutputLength/i.test(String((error as Error).message))) {
      throw new HttpException({ message: `decompressed body exceeds ${maxBytes} bytes` }, HttpStatus.PAYLOAD_TOO_LARGE);
    }
    throw new HttpException({ message: `body is not valid ${encoding} data` }, HttpStatus.BAD_REQUEST);
  }
  if (encoding !== 'identity' && encoding !== '') {
    throw new HttpException({ message: `unsupported Content-Encoding "${encoding}" (use gzip or deflate)` }, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }
  return raw;
}
