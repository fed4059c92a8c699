import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { decodeLokiPush } from '../protocols/loki';
import { mediaType } from '../protocols/types';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/** Grafana Loki push API: JSON, or snappy-compressed protobuf as Promtail and Grafana Alloy send it. */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@UseFilters(IngestExceptionFilter)
@Controller('loki/api/v1')
export class LokiController {
  constructor(private readonly http: HttpIngest) {}

  @Post('push')
  @HttpCode(204)
  @ApiOperation({ summary: 'Loki push (application/json or snappy application/x-protobuf); 204 only after every entry is stored' })
  async push(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<void> {
    const textual = mediaType({ headers: request.headers }) === 'application/json';
    const result = await this.http.decode(principal, 'loki', request, decodeLokiPush, { textual });
    this.http.requireSomeLines(result);
    await this.http.store(principal, 'loki', request, result.lines);
  }
}
