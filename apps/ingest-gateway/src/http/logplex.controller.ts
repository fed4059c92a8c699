import { Controller, HttpCode, Logger, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { decodeLogplex } from '../protocols/logplex';
import { HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

/**
 * Heroku Logplex HTTPS drains: `POST /logplex` (`application/logplex-1`). The drain URL carries
 * the key: `https://token:KEY@host/logplex` (Basic password) or `…/logplex?token=KEY`.
 * `Logplex-Frame-Id` is the idempotency key (Logplex re-sends a frame with the same id).
 */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'], allowQueryToken: true })
@UseFilters(IngestExceptionFilter)
@Controller('logplex')
export class LogplexController {
  private readonly logger = new Logger('Logplex');

  constructor(private readonly http: HttpIngest) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Heroku Logplex drain (application/logplex-1); 200 only after every frame is stored' })
  async drain(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<string> {
    const result = await this.http.decode(principal, 'logplex', request, decodeLogplex, { textual: true });
    if (result.msgCountMismatch) {
      this.logger.warn(`Logplex-Msg-Count ${result.msgCountMismatch.expected} but ${result.msgCountMismatch.found} frames (frame id ${result.frameId ?? '-'})`);
    }
    this.http.requireSomeLines(result);
    const key = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : result.frameId;
    await this.http.store(principal, 'logplex', request, result.lines, key);
    return '';
  }
}
