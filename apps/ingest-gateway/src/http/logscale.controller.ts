import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { decodeLogscaleStructured, decodeLogscaleUnstructured } from '../protocols/logscale';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/** Falcon LogScale (Humio) ingest API: structured events and unstructured messages. */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@UseFilters(IngestExceptionFilter)
@Controller('api/v1/ingest')
export class LogscaleController {
  constructor(private readonly http: HttpIngest) {}

  @Post('humio-structured')
  @HttpCode(200)
  @ApiOperation({ summary: 'LogScale structured events; 200 only after every event is stored' })
  async structured(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const result = await this.http.decode(principal, 'logscale', request, decodeLogscaleStructured, { textual: true });
    this.http.requireSomeLines(result);
    return HttpIngest.answer(result, await this.http.store(principal, 'logscale', request, result.lines));
  }

  @Post('humio-unstructured')
  @HttpCode(200)
  @ApiOperation({ summary: 'LogScale unstructured messages; 200 only after every message is stored' })
  async unstructured(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const result = await this.http.decode(principal, 'logscale', request, decodeLogscaleUnstructured, { textual: true });
    this.http.requireSomeLines(result);
    return HttpIngest.answer(result, await this.http.store(principal, 'logscale', request, result.lines));
  }
}
