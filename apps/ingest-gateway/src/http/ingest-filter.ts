import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GlobalExceptionFilter } from '@millrace/service-kit';
import type { Protocol } from '@millrace/log-schema';
import { BrokerUnavailableError, TenantLimitError } from '../ingest/ingest.service';
import { refusals } from '../ingest/metrics';
import { ES_PRODUCT_HEADERS } from '../protocols/es-bulk';
import { hecResponse } from '../protocols/splunk-hec';
import { OtlpTypes } from '../protocols/otlp-proto';

/** `/{index}/_doc`, `/{index}/_doc/{id}`, `/{index}/_create/{id}`. */
const ES_DOCUMENT_PATH = /^\/[^/_][^/]*\/(_doc|_create)(\/[^/]+)?\/?$/;
/** `/{index}` and `/{index}/_anything…`: the Elasticsearch API, apart from the gateway's own routes. */
const ES_INDEX_PATH = /^\/(?!(health|metrics|docs)(\/|$))[^/]+(\/_[^/]*(\/.*)?)?\/?$/;

/** The protocol a request path belongs to (for metrics labels and error dialects). */
export function protocolOfPath(url: string): Protocol | 'es-compat' | undefined {
  const path = url.split('?')[0];
  if (path.startsWith('/logs/')) return 'http-json';
  if (path === '/v1/ingest') return 'http-ndjson';
  if (path === '/logplex') return 'logplex';
  if (path === '/v1/logs') return 'otlp';
  if (path.startsWith('/loki/')) return 'loki';
  if (path.startsWith('/services/collector')) return 'splunk-hec';
  if (path === '/gelf') return 'gelf';
  if (path.startsWith('/api/v1/ingest/')) return 'logscale';
  if (path.endsWith('/_bulk') || ES_DOCUMENT_PATH.test(path)) return 'es-bulk';
  if (path === '/' || path.startsWith('/_') || ES_INDEX_PATH.test(path)) return 'es-compat';
  return undefined;
}

interface ErrorInfo {
  status: number;
  message: string;
  code?: string;
  retryAfterSeconds?: number;
  hecCode?: number;
  /** The Elasticsearch error type, when the decoder named one. */
  esType?: string;
}

function infoOf(exception: unknown): ErrorInfo {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const body = typeof response === 'string' ? { message: response } : (response as { message?: unknown; code?: string; retryAfterSeconds?: number });
    return {
      status: exception.getStatus(),
      message: Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? exception.message),
      code: body.code,
      retryAfterSeconds: body.retryAfterSeconds,
    };
  }
  const e = exception as { status?: unknown; statusCode?: unknown; message?: unknown; details?: { hecCode?: unknown; esType?: unknown } };
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  return {
    status,
    message: status >= 500 ? 'internal error' : String(e?.message ?? ''),
    hecCode: typeof e?.details?.hecCode === 'number' ? e.details.hecCode : undefined,
    esType: typeof e?.details?.esType === 'string' ? e.details.esType : undefined,
  };
}

/** The refusal reason counted in /metrics for an answer. */
export function refusalReason(info: ErrorInfo): string {
  if (info.code === 'rate_limited' || info.code === 'quota_exceeded') return info.code;
  switch (info.status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 413:
      if (/too many lines/i.test(info.message)) return 'too_many_lines';
      if (/decoded request too large/i.test(info.message)) return 'decoded_too_large';
      return 'body_too_large';
    case 415: return 'unsupported_media_type';
    case 429: return 'rate_limited';
    case 503: return info.code === 'unavailable' && /credential/i.test(info.message) ? 'auth_unavailable' : 'broker_unavailable';
    default: return info.status >= 500 ? 'internal' : `http_${info.status}`;
  }
}

const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 429: 8, 503: 14 };

const STANDARD_CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large',
  415: 'unsupported_media_type', 429: 'rate_limited', 500: 'internal', 503: 'unavailable',
};

/**
 * Answer an error of an ingestion route in its protocol's own dialect (Splunk HEC codes, OTLP
 * google.rpc.Status, Elasticsearch error objects with the product header) and count it in
 * `millrace_ingest_refusals_total{protocol, reason}`. Returns false for routes that are not
 * ingestion routes (the caller answers them) and for errors it leaves to the standard body
 * (`standard` = true forces the standard body here, for errors raised outside Nest).
 */
export function sendIngestError(exception: unknown, request: FastifyRequest, reply: FastifyReply, standard = false): boolean {
  let kind = protocolOfPath(request.url);
  if (kind === 'http-ndjson' && /^\s*text\/plain/i.test(String(request.headers['content-type'] ?? ''))) kind = 'http-text';
  const info = infoOf(exception);
  // Broker and tenant-limit refusals are counted where they happen (syslog shares them).
  if (kind !== undefined && !(exception instanceof BrokerUnavailableError) && !(exception instanceof TenantLimitError)) {
    refusals.inc({ protocol: kind === 'es-compat' ? 'es-bulk' : kind, reason: refusalReason(info) });
  }
  const requestId = String(request.id);
  if (info.retryAfterSeconds) reply.header('Retry-After', String(info.retryAfterSeconds));
  reply.header('X-Request-Id', requestId);

  if (kind === 'splunk-hec') {
    let code = info.hecCode ?? 6;
    if (info.status === 401) code = /required/i.test(info.message) ? 2 : 3;
    else if (info.status === 403) code = 4;
    else if (info.status === 429 || info.status === 503) code = 9;
    else if (info.status >= 500) code = 8;
    const hec = hecResponse(code);
    reply.status(info.status).send({ ...hec.body, ...(code === 9 || code === 8 ? {} : { message: info.message }) });
    return true;
  }
  if (kind === 'otlp') {
    const status = { code: GRPC_CODES[info.status] ?? 13, message: info.message };
    reply.status(info.status);
    if (/protobuf/i.test(String(request.headers['content-type'] ?? ''))) {
      reply.header('content-type', 'application/x-protobuf').send(Buffer.from(OtlpTypes.Status.encode(OtlpTypes.Status.fromObject(status)).finish()));
    } else {
      reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(status));
    }
    return true;
  }
  if (kind === 'es-bulk' || kind === 'es-compat') {
    const type = info.esType ?? esErrorType(info.status);
    // A route that does not exist: Elasticsearch's own words (Nest says "Cannot POST /x").
    const reason = info.status === 404 && /^Cannot [A-Z]+ /.test(info.message)
      ? `no handler found for uri [${request.url.split('?')[0]}] and method [${request.method}]`
      : info.message;
    for (const [name, value] of Object.entries(ES_PRODUCT_HEADERS)) reply.header(name, value);
    if (info.status === 401) reply.header('WWW-Authenticate', 'ApiKey, Basic realm="security", charset="UTF-8"');
    reply.status(info.status).send({ error: { root_cause: [{ type, reason }], type, reason }, status: info.status });
    return true;
  }
  if (!standard) return false;
  reply.status(info.status).send({ error: { status: info.status, code: info.code ?? STANDARD_CODES[info.status] ?? `http_${info.status}`, message: info.message, requestId } });
  return true;
}

/** Nest side: ingestion routes in their dialect, everything else through the standard filter. */
@Catch()
export class IngestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('IngestErrors');
  private readonly fallback = new GlobalExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (!(exception instanceof HttpException) && infoOf(exception).status >= 500) {
      this.logger.error({ err: exception, requestId: String(request.id) }, 'ingest request failed');
    }
    if (!sendIngestError(exception, request, reply)) this.fallback.catch(exception, host);
  }
}

function esErrorType(status: number): string {
  switch (status) {
    case 400: return 'parse_exception';
    case 401:
    case 403: return 'security_exception';
    case 404: return 'resource_not_found_exception';
    case 413: return 'content_too_long_exception';
    case 415: return 'media_type_header_exception';
    case 429: return 'es_rejected_execution_exception';
    case 503: return 'unavailable_shards_exception';
    default: return 'exception';
  }
}
