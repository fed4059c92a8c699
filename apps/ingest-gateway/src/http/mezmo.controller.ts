import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { decodeMezmoIngest } from '../protocols/mezmo';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/** Mezmo-compatible ingestion: `POST /logs/ingest` (the REST API) and `/logs/agent` (its agent). */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@UseFilters(IngestExceptionFilter)
@Controller('logs')
export class MezmoController {
  constructor(private readonly http: HttpIngest) {}

  @Post(['ingest', 'agent'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Ingest lines in the Mezmo (LogDNA) format; 200 only after every line is stored' })
  async ingestLines(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const result = await this.http.decode(principal, 'http-json', request, decodeMezmoIngest, { textual: true });
    this.http.requireSomeLines(result);
    const outcome = await this.http.store(principal, 'http-json', request, result.lines);
    return HttpIngest.answer(result, outcome);
  }
}
