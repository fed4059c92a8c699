import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components as AuthComponents, paths as AuthPaths } from './generated/auth';
import type { paths as QueryApiPaths } from './generated/query-api';

/** The one error body of both services. */
export type ApiErrorBody = AuthComponents['schemas']['Error'];
/** One refused field of a `validation_failed` or `invalid_value` error. */
export type InvalidField = AuthComponents['schemas']['InvalidField'];

/** A non-2xx answer, with the service's error body (or a synthetic one when the body was not JSON). */
export class MillraceApiError extends Error {
  override readonly name = 'MillraceApiError';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  /** Every invalid field (path, location, message) when the request was refused as invalid. */
  readonly fields: InvalidField[];
  /** Seconds to wait before retrying (429, 503), from Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(readonly body: ApiErrorBody, response?: Response, options?: { cause?: unknown }) {
    super(body.error.message, options);
    this.status = body.error.status;
    this.code = body.error.code;
    this.requestId = body.error.requestId || response?.headers.get('x-request-id') || undefined;
    this.fields = Array.isArray(body.error.details) ? body.error.details : [];
    const retry = Number(response?.headers.get('retry-after'));
    this.retryAfterSeconds = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  }
}

/** Whether a value looks like the common error body. */
export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: { status?: unknown; code?: unknown; message?: unknown } } | null)?.error;
  return !!error && typeof error.status === 'number' && typeof error.code === 'string' && typeof error.message === 'string';
}

/** The error of an answer that is not 2xx, whatever its body. */
export function toApiError(response: Response, body: unknown): MillraceApiError {
  if (isApiErrorBody(body)) return new MillraceApiError(body, response);
  const text = typeof body === 'string' && body ? body.slice(0, 200) : response.statusText || 'request failed';
  return new MillraceApiError({ error: { status: response.status, code: `http_${response.status}`, message: text, requestId: response.headers.get('x-request-id') ?? '' } }, response);
}

export interface MillraceClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The service's URL, e.g. `http://127.0.0.1:8082` (MILLRACE_QUERY_URL / MILLRACE_AUTH_URL). */
  baseUrl: string;
  /**
   * The credential: an API key (`mlr_sk_…`, `mlr_ik_…`) or a session access token, or a function
   * giving the current one (called on every request, so a refreshed session is picked up).
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
}

function authMiddleware(token: MillraceClientOptions['token']): Middleware {
  return {
    async onRequest({ request }) {
      const value = typeof token === 'function' ? await token() : token;
      if (value && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

function create<Paths extends object>(options: MillraceClientOptions): Client<Paths> {
  const { token, ...rest } = options;
  const client = createClient<Paths>(rest);
  if (token) client.use(authMiddleware(token));
  return client;
}

/** A typed client of the query API (search, tail, export, configuration). */
export function createQueryApiClient(options: MillraceClientOptions): Client<QueryApiPaths> {
  return create<QueryApiPaths>(options);
}

/** A typed client of auth (sessions, keys, members, organisation). */
export function createAuthClient(options: MillraceClientOptions): Client<AuthPaths> {
  return create<AuthPaths>(options);
}

/**
 * The data of an openapi-fetch answer, or a MillraceApiError carrying the error body:
 * `const page = await unwrap(query.GET('/v1/search', { params: { query: { q: 'level:error' } } }))`.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}
