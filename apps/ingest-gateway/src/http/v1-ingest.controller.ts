import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { decodeV1Ingest } from '../protocols/ndjson';
import { mediaType } from '../protocols/types';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/** `POST /v1/ingest?app=&host=&level=&tags=`: NDJSON (one JSON value per line) or plain text (one line per line). */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@UseFilters(IngestExceptionFilter)
@Controller('v1')
export class V1IngestController {
  constructor(private readonly http: HttpIngest) {}

  @Post('ingest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ingest NDJSON (application/x-ndjson, application/json) or plain text (text/plain); 200 only after every line is stored' })
  async ingestLines(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const protocol = mediaType({ headers: request.headers }) === 'text/plain' ? 'http-text' : 'http-ndjson';
    const result = await this.http.decode(principal, protocol, request, decodeV1Ingest, { textual: true });
    this.http.requireSomeLines(result);
    const outcome = await this.http.store(principal, protocol, request, result.lines);
    return HttpIngest.answer(result, outcome);
  }
}
