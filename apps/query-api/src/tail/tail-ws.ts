import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import {
  authorise, extractCredential, KEY_VERIFICATION, SESSION_VERIFIER,
  type KeyVerification, type Principal, type SessionVerifier,
} from '@millrace/auth-token';
import { errorBody, validate, type ManualRoute } from '@millrace/service-kit';
import { z } from 'zod';
import { TailService, type TailRequest } from './tail.service';
import { WebSocketSink } from './sinks';
import { tailHeadersSchema, tailMessageSchema, tailQuerySchema } from './tail.schemas';

type PreparedRequest = FastifyRequest & { tail?: { principal: Principal; request: TailRequest; connected: boolean } };

const TAIL_REQUIREMENT = { kinds: ['service', 'user'] as Array<'service' | 'user'>, scopes: ['logs:read' as const], allowQueryToken: true };

/** The WebSocket route in the OpenAPI document (it is served by Fastify directly, not by a Nest controller). */
export const TAIL_WS_ROUTE: Omit<ManualRoute, 'security'> & { requirement: typeof TAIL_REQUIREMENT } = {
  method: 'get',
  path: '/v1/tail/ws',
  tag: 'tail',
  query: tailQuerySchema,
  headers: tailHeadersSchema,
  requirement: TAIL_REQUIREMENT,
  endpoint: {
    operationId: 'tailWebSocket',
    summary: 'Live tail over WebSocket: the same tail as GET /v1/tail, one JSON text message per line or notice',
    description: 'Upgrade with `Connection: Upgrade`, `Upgrade: websocket`. After the upgrade (101) the server sends one JSON text '
      + 'message per line (`{"type": "line", "id", "event"}`) or notice (`{"type": "ready" | "dropped" | "gap", …}`), see TailMessage; '
      + 'whatever the client sends is ignored. Browsers cannot set headers on a WebSocket: the key may come as `?token=`. '
      + 'Every refusal (bad query, no key, too many tails) is an ordinary JSON error before the upgrade.',
    responses: {
      101: {
        description: 'Switching protocols: the WebSocket carries TailMessage objects as JSON text frames',
        content: { 'application/json': { schema: tailMessageSchema } },
      },
    },
    errors: [429, 503],
  },
};

/**
 * Live tail over WebSocket at `GET /v1/tail/ws?q=&backlog=&lastEventId=`: the same tail as the
 * SSE endpoint, one JSON text message per line (`{type: "line", id, event}`) or notice
 * (`{type: "ready" | "dropped" | "gap", …}`). Browsers cannot set headers on a WebSocket, so
 * the key may come as `?token=`; it is verified exactly as the guard does (logs:read), and every
 * refusal is an ordinary HTTP error before the upgrade.
 */
@Injectable()
export class TailWebSocketRoute implements OnApplicationBootstrap {
  private readonly logger = new Logger('TailWebSocket');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tails: TailService,
    @Inject(KEY_VERIFICATION) private readonly keys: KeyVerification,
    @Inject(SESSION_VERIFIER) private readonly sessions: SessionVerifier,
  ) {}

  /**
   * After Nest has set its error handler: registering a plugin makes Fastify build the routes
   * added so far, and routes built earlier would keep Fastify's default error answers.
   */
  async onApplicationBootstrap(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    await fastify.register(websocket, { options: { maxPayload: 64 * 1024 } });
    fastify.get('/v1/tail/ws', {
      websocket: true,
      preValidation: (request, reply) => this.admit(request as PreparedRequest, reply),
    }, (socket: WebSocket, request) => this.connect(socket, request as PreparedRequest));
  }

  private async admit(request: PreparedRequest, reply: FastifyReply): Promise<void> {
    try {
      const credential = extractCredential(request, { allowQueryToken: true });
      if (!credential) throw httpError(401, 'unauthorized', 'a key is required (Authorization header or ?token=)');
      const principal = credential.type === 'key' ? await this.keys.verify(credential.secret) : await this.sessions.verifySession(credential.token);
      if (!principal) throw httpError(401, 'unauthorized', 'the key or session is not valid');
      authorise(principal, TAIL_REQUIREMENT);
      const query: z.infer<typeof tailQuerySchema> = validate(tailQuerySchema, request.query, 'query');
      const headers: z.infer<typeof tailHeadersSchema> = validate(tailHeadersSchema, request.headers, 'header');
      const tailRequest = this.tails.parse(query.q, query.backlog, query.lastEventId ?? headers['last-event-id']);
      await this.tails.reserve(principal.tenant);
      const prepared = { principal, request: tailRequest, connected: false };
      request.tail = prepared;
      // The upgrade may still fail (or the client go away): give the slot back then.
      request.raw.socket.once('close', () => {
        if (!prepared.connected) this.tails.release(principal.tenant);
      });
    } catch (error) {
      const e = error as { status?: number; getStatus?: () => number; message: string; getResponse?: () => unknown; code?: string };
      const status = e.getStatus?.() ?? e.status ?? 500;
      const response = e.getResponse?.() as { message?: string; code?: string; details?: unknown } | string | undefined;
      const message = typeof response === 'string' ? response : response?.message ?? e.message;
      const code = (typeof response === 'object' ? response?.code : undefined) ?? e.code;
      const details = typeof response === 'object' && status < 500 ? response?.details : undefined;
      await reply.code(status).header('x-request-id', String(request.id))
        .send(errorBody(status, status >= 500 ? 'internal error' : message, String(request.id), status >= 500 ? undefined : code, details));
    }
  }

  private connect(socket: WebSocket, request: PreparedRequest): void {
    const prepared = request.tail;
    if (!prepared) {
      socket.close(1008, 'not admitted');
      return;
    }
    prepared.connected = true;
    const { principal, request: tailRequest } = prepared;
    let session: Awaited<ReturnType<TailService['open']>> | undefined;
    let gone = false;
    socket.once('close', () => {
      gone = true;
      session?.end('client');
    });
    // Clients have nothing to say; anything they send is ignored.
    socket.on('message', () => undefined);
    this.tails.open(principal.tenant, 'websocket', tailRequest, new WebSocketSink(socket)).then((s) => {
      session = s;
      if (gone) s.end('client');
    }, (error: Error) => {
      this.logger.warn(`websocket tail failed: ${error.message}`);
      if (socket.readyState === socket.OPEN) socket.close(1011, 'the tail could not start');
    });
  }
}

function httpError(status: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { status, code });
}
