/**
 * How the page reaches the API: the generated client of the REST API (libs/api-client) against
 * this origin — the console passes /api/query/* to the query-api and /api/auth/* to auth — with
 * the session in an httpOnly cookie, the CSRF token echoed on every state-changing call, and one
 * error type for everything, including a server that cannot be reached.
 */
import { createAuthClient, createQueryApiClient, MillraceApiError, unwrap } from '@millrace/api-client';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** The console or its upstreams could not be reached, or said they are unavailable. */
  get unavailable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

type Listener = () => void;
const sessionEndedListeners = new Set<Listener>();

/** Called when the server says the session is gone (expired, logged out elsewhere): the page shows the log-in screen. */
export function onSessionEnded(listener: Listener): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

export function csrfToken(): string {
  const cookies = document.cookie.split(';').map((c) => c.trim());
  for (const name of ['__Host-mlr_csrf', 'mlr_csrf']) {
    const found = cookies.find((c) => c.startsWith(`${name}=`));
    if (found) return decodeURIComponent(found.slice(name.length + 1));
  }
  return '';
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

const NETWORK = 'The console cannot be reached: check your network connection, then retry.';

/** fetch for this origin: cookies, the CSRF token on state-changing calls, network failures as ApiError. */
async function consoleFetch(input: Request): Promise<Response> {
  const request = input;
  if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-csrf-token', csrfToken());
  try {
    return await fetch(request, { credentials: 'same-origin' });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', NETWORK);
  }
}

const origin = typeof window === 'undefined' ? 'http://localhost' : window.location.origin;
export const queryApi = createQueryApiClient({ baseUrl: `${origin}/api/query`, fetch: consoleFetch });
export const authApi = createAuthClient({ baseUrl: `${origin}/api/auth`, fetch: consoleFetch });

function fromClientError(error: unknown): unknown {
  if (!(error instanceof MillraceApiError)) return error;
  const status = error.status;
  const message = error.message || (status >= 500 ? `The server answered ${status}; retry in a moment.` : `The server answered ${status}.`);
  return new ApiError(status, error.code, message, error.body.error.details, error.requestId, error.retryAfterSeconds);
}

function noticeSessionEnd(error: unknown, path: string): void {
  if (error instanceof ApiError && error.status === 401 && (error.code === 'session_expired' || error.code === 'not_logged_in') && !path.startsWith('/session')) {
    for (const listener of sessionEndedListeners) listener();
  }
}

/** The data of a generated-client call, or an ApiError (and the log-in screen when the session ended). */
export async function call<T>(promise: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  try {
    return await unwrap(promise);
  } catch (error) {
    const e = fromClientError(error);
    noticeSessionEnd(e, '/api');
    throw e;
  }
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

/** The console's own routes (/session…), which are not part of the services' API documents. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await consoleFetch(new Request(new URL(withQuery(path, options.query), origin), {
      method, headers, signal: options.signal, body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }));
  } catch (error) {
    throw error instanceof ApiError || (error as Error).name === 'AbortError' ? error : new ApiError(0, 'network', NETWORK);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown; requestId?: string } } | undefined)?.error;
    const retry = res.headers.get('retry-after');
    const error = new ApiError(
      res.status, e?.code ?? `http_${res.status}`,
      e?.message ?? (res.status >= 500 ? `The server answered ${res.status}; retry in a moment.` : `The server answered ${res.status}.`),
      e?.details, e?.requestId ?? res.headers.get('x-request-id') ?? undefined, retry ? Number(retry) : undefined,
    );
    noticeSessionEnd(error, path);
    throw error;
  }
  return body as T;
}
