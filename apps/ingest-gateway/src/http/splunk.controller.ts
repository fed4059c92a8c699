import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { PublicRoute } from '@millrace/service-kit';
import { decodeHecEvent, decodeHecRaw, hecResponse, type HecResult } from '../protocols/splunk-hec';
import type { Decoder } from '../protocols/types';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/**
 * Splunk HTTP Event Collector: `Authorization: Splunk <key>` (Bearer and Basic work too).
 * Answers carry HEC codes; events refused one by one are reported as Splunk does (the error of
 * the first, after the good events are stored).
 */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@UseFilters(IngestExceptionFilter)
@Controller('services/collector')
export class SplunkHecController {
  constructor(private readonly http: HttpIngest) {}

  @Post(['', 'event', 'event/1.0'])
  @ApiOperation({ summary: 'HEC events (concatenated JSON objects); {"text":"Success","code":0} only after every event is stored' })
  event(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.handle(principal, request, reply, decodeHecEvent);
  }

  @Post(['raw', 'raw/1.0'])
  @ApiOperation({ summary: 'HEC raw text, one event per line' })
  raw(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.handle(principal, request, reply, decodeHecRaw);
  }

  @Get(['health', 'health/1.0'])
  @PublicRoute()
  @ApiOperation({ summary: 'HEC health check' })
  health(@Res({ passthrough: true }) reply: FastifyReply) {
    const answer = hecResponse(17);
    reply.status(answer.status);
    return answer.body;
  }

  private async handle(principal: Principal, request: FastifyRequest, reply: FastifyReply, decoder: Decoder<HecResult>) {
    const result = await this.http.decode(principal, 'splunk-hec', request, decoder, { textual: true });
    // A request with an invalid event is refused whole: storing the events before it and
    // answering an error would leave the shipper unable to tell what was kept.
    if (result.hecError) {
      const answer = hecResponse(result.hecError.code, result.hecError.invalidEventNumber);
      reply.status(answer.status);
      return answer.body;
    }
    await this.http.store(principal, 'splunk-hec', request, result.lines);
    const answer = hecResponse(0);
    reply.status(answer.status);
    return answer.body;
  }
}
