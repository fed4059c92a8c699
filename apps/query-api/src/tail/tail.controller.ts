import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiTag, Endpoint, ValidHeaders, ValidQuery } from '@millrace/service-kit';
import { SSE_DESCRIPTION, tailHeadersSchema, tailQuerySchema } from './tail.schemas';
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
@ApiTag('tail')
@Controller('v1/tail')
export class TailController {
  constructor(private readonly tails: TailService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'], allowQueryToken: true })
  @Endpoint({
    summary: 'Live tail (text/event-stream) of events matching q, starting with the last `backlog` matching lines',
    description: SSE_DESCRIPTION,
    responses: {
      200: {
        description: 'The event stream (kept open)',
        content: {
          'text/event-stream': {
            schema: z.string().describe('SSE frames: `id: <seq>-<index>` + `data: <LogEvent JSON>`; events ready, dropped, gap, error'),
            example: 'retry: 2000\n\nevent: ready\ndata: {}\n\nid: 1042-3\ndata: {"id":"01JH…-3","app":"checkout","message":"payment failed"}\n\n',
          },
        },
      },
    },
    errors: [429, 503],
  })
  async tail(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @ValidQuery(tailQuerySchema) query: z.infer<typeof tailQuerySchema>,
    @ValidHeaders(tailHeadersSchema) headers: z.infer<typeof tailHeadersSchema>,
  ): Promise<void> {
    const { q, backlog, lastEventId: lastEventIdParam } = query;
    const lastEventIdHeader = headers['last-event-id'];
    const parsed = this.tails.parse(q, backlog, lastEventIdHeader || lastEventIdParam);
    await this.tails.reserve(principal.tenant);
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
