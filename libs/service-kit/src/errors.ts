import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The one error body every endpoint returns. */
export interface ErrorBody {
  error: { status: number; code: string; message: string; details?: unknown; requestId: string };
}

const CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict',
  408: 'request_timeout', 413: 'payload_too_large', 414: 'uri_too_long', 415: 'unsupported_media_type', 422: 'unprocessable', 429: 'rate_limited',
  431: 'headers_too_large',
  500: 'internal', 503: 'unavailable',
};

/** Errors that carry their own HTTP meaning without depending on NestJS (e.g. from pure libs). */
export interface HttpMeaningfulError {
  status: number;
  message: string;
  code?: string;
  retryAfterSeconds?: number;
}

function isHttpMeaningful(error: unknown): error is Error & HttpMeaningfulError {
  return error instanceof Error && typeof (error as Partial<HttpMeaningfulError>).status === 'number';
}

/**
 * A stable error body and a request id on every response; nothing internal leaks on a 500.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const requestId = String(request.id);
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'internal error';
    let details: unknown;
    let code: string | undefined;

    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') message = response;
      else {
        const body = response as { message?: unknown; details?: unknown; code?: string; retryAfterSeconds?: number };
        message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? exception.message);
        details = body.details;
        code = body.code;
        if (body.retryAfterSeconds) reply.header('Retry-After', String(body.retryAfterSeconds));
      }
    } else if (isHttpMeaningful(exception) && exception.status >= 400 && exception.status < 600) {
      status = exception.status;
      message = exception.message;
      code = exception.code;
      if (exception.retryAfterSeconds) reply.header('Retry-After', String(exception.retryAfterSeconds));
    } else if ((exception as { statusCode?: number })?.statusCode && (exception as { statusCode: number }).statusCode < 500) {
      // Fastify's own errors (body too large, bad content type, malformed JSON).
      status = (exception as { statusCode: number }).statusCode;
      message = (exception as Error).message;
    }

    if (status >= 500) {
      this.logger.error({ err: exception, requestId }, 'request failed');
      if (!(exception instanceof HttpException) && !isHttpMeaningful(exception)) message = 'internal error';
    }

    reply.header('X-Request-Id', requestId).status(status).send(errorBody(status, message, requestId, code, details));
  }
}

/** The one error body: `{"error": {status, code, message, details?, requestId}}`. */
export function errorBody(status: number, message: string, requestId: string, code?: string, details?: unknown): ErrorBody {
  return { error: { status, code: code ?? CODES[status] ?? `http_${status}`, message, requestId, ...(details ? { details } : {}) } };
}

/**
 * Errors Fastify answers before any route runs (a URL that does not decode, a path parameter
 * longer than the router takes), in the same shape; the URL itself is not echoed.
 */
export function frameworkError(error: { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const message = tooLong ? 'a path parameter is longer than any valid value' : 'the URL is not valid (bad percent-encoding)';
  void reply.code(status).header('X-Request-Id', String(request.id)).send(errorBody(status, message, String(request.id), tooLong ? 'uri_too_long' : 'bad_request'));
}
