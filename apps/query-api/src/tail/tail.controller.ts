import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { SseSink, sseFrame } from './sinks';
import { TailService } from './tail.service';

/**
 * Live tail over Server-Sent Events. Each matching event is an SSE message with
 * `id: <sequence>-<index>` and the event as JSON `data`; named events: `ready` (the backlog is
 * sent, live lines follow), `dropped` ({count} lines this client missed because it read too
 * slowly), `gap` (a resume point older than the stream's retention). Reconnecting with
 * `Last-Event-ID` (EventSource does it by itself) continues exactly after the last line received.
 */
@ApiTags('tail')
@ApiBearerAuth()
@Controller('v1/tail')
export class TailController {
  constructor(private readonly tails: TailService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'], allowQueryToken: true })
  @ApiOperation({ summary: 'Live tail (text/event-stream) of events matching q, starting with the last `backlog` matching lines' })
  @ApiQuery({ name: 'q', required: false, description: 'query language; empty = everything' })
  @ApiQuery({ name: 'backlog', required: false, description: 'matching lines from before the tail to send first (default 100)' })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'resume after this id (as the Last-Event-ID header)' })
  @ApiQuery({ name: 'token', required: false, description: 'the key, for clients that cannot set headers (EventSource)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  async tail(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('q') q?: string,
    @Query('backlog') backlog?: string,
    @Query('lastEventId') lastEventIdParam?: string,
    @Headers('last-event-id') lastEventIdHeader?: string,
  ): Promise<void> {
    const parsed = this.tails.parse(q, backlog, lastEventIdHeader || lastEventIdParam);
    this.tails.reserve(principal.tenant);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    res.write('retry: 2000\n\n');
    let session: Awaited<ReturnType<TailService['open']>> | undefined;
    let gone = false;
    request.raw.once('close', () => {
      gone = true;
      session?.end('client');
    });
    res.once('close', () => {
      gone = true;
      session?.end('client');
    });
    try {
      session = await this.tails.open(principal.tenant, 'sse', parsed, new SseSink(res));
      if (gone) session.end('client');
    } catch (error) {
      if (!res.destroyed) {
        res.write(`event: error\ndata: ${JSON.stringify({ message: `the tail could not start: ${(error as Error).message}` })}\n\n`);
        res.end();
      }
    }
  }
}

export { sseFrame };
