import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { Counter } from 'prom-client';
import type { ConsoleConfig } from '../config';
import type { SessionCookies } from '../session/cookies';
import type { SessionService } from '../session/session.service';

const proxied = new Counter({
  name: 'millrace_console_proxied_requests_total',
  help: 'API calls the console answered, by upstream and answer class; `unavailable` counts upstreams that could not be reached',
  labelNames: ['upstream', 'status'],
});

/** Request headers the browser may pass on; everything else (cookies, the CSRF token, hop-by-hop headers) stays here. */
const FORWARDED = ['accept', 'accept-encoding', 'accept-language', 'content-type', 'content-length', 'last-event-id', 'idempotency-key', 'if-none-match'];

export interface Upstream {
  /** Path prefix on the console: `/api/query` → the query-api's `/v1/...`. */
  prefix: string;
  name: string;
  base: string;
  /** Paths of the upstream that the browser may not reach through the console. */
  refused?: RegExp;
}

export function upstreams(config: ConsoleConfig): Upstream[] {
  return [
    { prefix: '/api/query', name: 'query-api', base: config.QUERY_API_URL },
    // Sessions belong to the console: the browser never holds a token to send there.
    { prefix: '/api/auth', name: 'auth', base: config.AUTH_URL, refused: /^\/v1\/sessions(\/|\?|$)/ },
  ];
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send({
    error: { status, code, message, requestId: String(reply.request.id) },
  });
}

function statusOf(error: unknown): { status: number; code: string; message: string } {
  const e = error as { getStatus?: () => number; getResponse?: () => unknown; message?: string };
  const status = e.getStatus?.() ?? 500;
  const body = (e.getResponse?.() ?? {}) as { message?: string; code?: string };
  return { status, code: body.code ?? (status === 503 ? 'unavailable' : 'error'), message: body.message ?? e.message ?? 'error' };
}

/**
 * `/api/query/v1/*` and `/api/auth/v1/*`: the browser's API calls, passed on to the query-api and
 * auth with the session's access token (refreshed first when it is about to expire), and their
 * answers streamed back as they come (live tail, export) without being buffered here. The page
 * never holds a token and needs no CORS.
 */
export async function registerProxy(app: NestFastifyApplication, config: ConsoleConfig, cookies: SessionCookies, sessions: SessionService): Promise<void> {
  for (const upstream of upstreams(config)) {
    await app.register(async (scope: FastifyInstance) => {
      await scope.register(replyFrom, {
        base: upstream.base,
        disableRequestLogging: true,
        undici: { connections: 256, pipelining: 1, headersTimeout: config.CONSOLE_UPSTREAM_TIMEOUT_MS, bodyTimeout: 5 * 60_000, keepAliveTimeout: 30_000 },
      });
      scope.addHook('onResponse', async (request, reply) => {
        if (request.url.startsWith(upstream.prefix)) proxied.inc({ upstream: upstream.name, status: `${String(reply.statusCode).charAt(0)}xx` });
      });
      scope.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: `${upstream.prefix}/*`,
        handler: (request, reply) => forward(upstream, request, reply, cookies, sessions),
      });
    });
  }
}

async function forward(upstream: Upstream, request: FastifyRequest, reply: FastifyReply, cookies: SessionCookies, sessions: SessionService): Promise<FastifyReply> {
  const target = request.url.slice(upstream.prefix.length);
  if (!target.startsWith('/v1/') || upstream.refused?.test(target)) return sendError(reply, 404, 'not_found', `no such API route: ${request.url.split('?')[0]}`);
  const session = cookies.read(request);
  if (!session) return sendError(reply, 401, 'not_logged_in', 'not logged in');
  let token: string;
  try {
    cookies.checkCsrf(request, session);
    const fresh = await sessions.fresh(session, String(request.id));
    if (fresh.changed) cookies.write(request, reply, fresh.session);
    token = fresh.session.at;
  } catch (error) {
    const { status, code, message } = statusOf(error);
    if (status === 401) cookies.clear(request, reply);
    return sendError(reply, status, code, message);
  }
  const path = target.split('?')[0];
  return reply.from(path, {
    rewriteRequestHeaders: (_req, headers: IncomingHttpHeaders) => {
      const out: IncomingHttpHeaders = { host: headers.host };
      for (const name of FORWARDED) if (headers[name] !== undefined) out[name] = headers[name];
      out.authorization = `Bearer ${token}`;
      out['x-request-id'] = String(request.id);
      out['x-forwarded-for'] = request.ip;
      return out;
    },
    rewriteHeaders: (headers: IncomingHttpHeaders) => {
      const { 'set-cookie': _dropped, 'x-request-id': _id, ...rest } = headers;
      return rest;
    },
    onError: (r, { error }) => {
      proxied.inc({ upstream: upstream.name, status: 'unavailable' });
      (r as FastifyReply).request.log.warn({ upstream: upstream.name, err: error.message }, 'upstream unavailable');
      const timeout = /timeout/i.test(error.name) || /timeout/i.test(error.message);
      sendError(r as FastifyReply, timeout ? 504 : 503, `${upstream.name.replace('-', '_')}_unavailable`,
        timeout ? `the ${upstream.name} did not answer in time; retry in a moment` : `the ${upstream.name} is not answering (${error.message}); retry in a moment`);
    },
  });
}
