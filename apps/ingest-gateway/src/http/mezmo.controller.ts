import { Body, Controller, Headers, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { IngestService } from '../ingest/ingest.service';
import { decodeMezmoIngest } from '../protocols/mezmo';
import { decodeBody } from './body';

/** Mezmo-compatible ingestion: `POST /logs/ingest` (the REST API) and `/logs/agent` (its agent). */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@Controller('logs')
export class MezmoController {
  constructor(
    private readonly ingest: IngestService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post(['ingest', 'agent'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Ingest lines in the Mezmo (LogDNA) format; 200 only after every line is stored' })
  async ingestLines(
    @CurrentPrincipal() principal: Principal,
    @Body() body: Buffer,
    @Query() query: Record<string, string>,
    @Headers('content-encoding') contentEncoding: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
  ) {
    const decoded = decodeMezmoIngest(decodeBody(body, contentEncoding, this.config.MAX_BODY_BYTES), { query, headers: request.headers, receivedAt: Date.now() });
    const outcome = await this.ingest.ingest(principal.tenant, decoded.lines, { protocol: 'http-json', remoteAddress: request.ip }, idempotencyKey);
    return { status: 'ok', lines: outcome.lines, batches: outcome.batches, truncated: decoded.truncated };
  }
}
