import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { errorBody } from './errors';
import type { Socket } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import { Counter, Gauge, register } from 'prom-client';
import { z } from 'zod';

const ms = (fallback: number, min: number) => z.coerce.number().int().min(min).max(3_600_000).default(fallback);

/** Entries of TRUSTED_PROXIES: IP addresses, CIDR ranges, or proxy-addr's names for whole ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const trustedProxies = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      if (NAMED_RANGES.has(entry)) continue;
      try {
        proxyAddr.compile([entry]);
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${entry} is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal` });
      }
    }
  });

/**
 * How every service's HTTP server treats its clients: whose forwarded headers are believed, how
 * long a client may take, how many connections one address may hold.
 */
export const httpServerConfigSchema = z.object({
  /**
   * Proxies whose X-Forwarded-For / -Proto / -Host are believed (comma-separated addresses or
   * CIDR ranges, e.g. the ingress controller's pod range). None by default: the client address
   * is the connection's, and forwarded headers are ignored.
   */
  TRUSTED_PROXIES: trustedProxies,
  /** A request's headers must have arrived this long after its first byte. */
  HTTP_HEADERS_TIMEOUT_MS: ms(10_000, 100),
  /** A whole request (headers and body) must have arrived this long after its first byte. */
  HTTP_REQUEST_TIMEOUT_MS: ms(60_000, 100),
  /** A connection on which nothing moves (in either direction) for this long is closed. */
  HTTP_IDLE_TIMEOUT_MS: ms(120_000, 100),
  /** An idle keep-alive connection between two requests is closed after this long (above a load balancer's own idle timeout). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: ms(65_000, 100),
  /** Open connections one client address may hold (0: no limit); a trusted proxy's are not limited. */
  HTTP_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(0).max(1_000_000).default(256),
  /** Open connections the server holds at most (0: no limit). */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(10_000_000).default(20_000),
});
export type HttpServerConfig = z.infer<typeof httpServerConfigSchema>;

/** Node checks header and request deadlines this often: the slack on top of them. */
const CHECK_INTERVAL_MS = 500;

function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

const closedConnections = once('millrace_http_connections_closed_total', () => new Counter({
  name: 'millrace_http_connections_closed_total',
  help: 'HTTP connections the server closed on a client: request_timeout (headers or body too slow), idle_timeout, per_client_limit, max_connections, bad_request',
  labelNames: ['reason'],
}));
const openConnections = once('millrace_http_open_connections', () => new Gauge({ name: 'millrace_http_open_connections', help: 'HTTP connections open now' }));

/** The trust function of TRUSTED_PROXIES (address, hop) for Fastify, or false when no proxy is trusted. */
export function proxyTrust(entries: string[]): ((address: string, hop: number) => boolean) | false {
  return entries.length ? proxyAddr.compile(entries) : false;
}

/**
 * Fastify options that build the Node server with explicit timeouts and connection limits.
 * Slow clients (partial headers, bodies sent byte by byte, connections left idle) are closed
 * within the configured deadline plus half a second, with a 408 where the protocol still allows
 * one, and counted; others are not affected.
 */
export function httpServerOptions(config: HttpServerConfig): {
  trustProxy: ((address: string, hop: number) => boolean) | false;
  serverFactory: (handler: http.RequestListener) => http.Server;
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => void;
} {
  const trust = proxyTrust(config.TRUSTED_PROXIES);
  return {
    trustProxy: trust,
    // Fastify leaves the server's timeouts to the factory: all of them are set here.
    serverFactory: (handler) => {
      const server = http.createServer({
        connectionsCheckingInterval: CHECK_INTERVAL_MS,
        headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
        requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
        keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      }, handler);
      server.timeout = config.HTTP_IDLE_TIMEOUT_MS;
      if (config.HTTP_MAX_CONNECTIONS > 0) server.maxConnections = config.HTTP_MAX_CONNECTIONS;
      server.on('drop', () => closedConnections.inc({ reason: 'max_connections' }));
      limitPerClient(server, config.HTTP_MAX_CONNECTIONS_PER_CLIENT, trust);
      server.on('timeout', (socket: Socket) => {
        closedConnections.inc({ reason: 'idle_timeout' });
        socket.destroy();
      });
      return server;
    },
    clientErrorHandler: (error, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, code, message, reason] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request did not arrive in time', 'request_timeout']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'headers_too_large', 'the request headers are too large', 'bad_request']
          : [400, 'bad_request', 'the request is not valid HTTP', 'bad_request'];
      closedConnections.inc({ reason });
      if (socket.writable) {
        const requestId = randomUUID();
        const body = JSON.stringify(errorBody(status, message, requestId, code));
        socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
          + `Connection: close\r\nX-Request-Id: ${requestId}\r\n\r\n${body}`);
      }
      socket.destroy();
    },
  };
}

/** At most `limit` open connections per client address; the next ones are closed at once. */
function limitPerClient(server: http.Server, limit: number, trust: ((address: string, hop: number) => boolean) | false): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    openConnections.inc();
    socket.once('close', () => openConnections.dec());
    const address = socket.remoteAddress;
    if (!limit || !address || (trust && trust(address, 0))) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limit) {
      closedConnections.inc({ reason: 'per_client_limit' });
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
