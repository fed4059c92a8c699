/**
 * The one way the page talks to the console's server: same origin, the session in an httpOnly
 * cookie, the CSRF token echoed on every state-changing call, and one error shape for everything
 * (including a server that cannot be reached).
 */

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

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken();
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method, headers, credentials: 'same-origin', signal: options.signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The console cannot be reached: check your network connection, then retry.');
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
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? (res.status >= 500 ? `The server answered ${res.status}; retry in a moment.` : `The server answered ${res.status}.`),
      e?.details, e?.requestId ?? res.headers.get('x-request-id') ?? undefined, retry ? Number(retry) : undefined,
    );
    if (res.status === 401 && (error.code === 'session_expired' || error.code === 'not_logged_in') && !path.startsWith('/session')) {
      for (const listener of sessionEndedListeners) listener();
    }
    throw error;
  }
  return body as T;
}
