import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { decodeOtlpLogs, otlpFormat, otlpSuccessResponse } from '../protocols/otlp';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/** OTLP/HTTP logs: `POST /v1/logs`, JSON or protobuf, answered in the request's encoding. */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@UseFilters(IngestExceptionFilter)
@Controller('v1')
export class OtlpController {
  constructor(private readonly http: HttpIngest) {}

  @Post('logs')
  @HttpCode(200)
  @ApiOperation({ summary: 'OTLP/HTTP ExportLogsServiceRequest (application/json or application/x-protobuf); 200 only after every record is stored' })
  async export(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const format = otlpFormat({ headers: request.headers });
    const result = await this.http.decode(principal, 'otlp', request, decodeOtlpLogs, { textual: format === 'json' });
    await this.http.store(principal, 'otlp', request, result.lines);
    const response = otlpSuccessResponse(result, format);
    reply.header('content-type', response.contentType);
    return response.body;
  }
}
