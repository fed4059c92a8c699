import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { decodeGelfHttp } from '../protocols/gelf';
import { looksLikeGzip, looksLikeZlib } from '../protocols/decompress';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/**
 * GELF over HTTP, `POST /gelf`, answered 202 like Graylog. GELF has no authentication of its
 * own: the key goes in a header (`Authorization`, `X-Api-Key`) or, for senders that can only be
 * given a URL, `?token=`.
 */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'], allowQueryToken: true })
@UseFilters(IngestExceptionFilter)
@Controller('gelf')
export class GelfController {
  constructor(private readonly http: HttpIngest) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'GELF 1.1 messages (JSON, optionally gzip/zlib); 202 only after every message is stored' })
  async gelf(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<string> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const textual = !looksLikeGzip(body) && !looksLikeZlib(body) && !request.headers['content-encoding'];
    const result = await this.http.decode(principal, 'gelf', request, decodeGelfHttp, { textual });
    await this.http.store(principal, 'gelf', request, result.lines);
    return '';
  }
}
