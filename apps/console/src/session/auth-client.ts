import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';

export interface AuthAnswer<T> {
  status: number;
  body: T;
  retryAfter?: string;
}

/** The error body every Millrace service answers with. */
interface ErrorBody {
  error?: { message?: string; code?: string; details?: unknown };
}

/** Raised when auth cannot be reached: the page shows it and offers a retry. */
export function authUnavailable(cause: unknown): HttpException {
  return new HttpException(
    { message: 'the auth service is not answering; retry in a moment', code: 'auth_unavailable' },
    HttpStatus.SERVICE_UNAVAILABLE, { cause },
  );
}

/** An auth error answer, passed on to the page with its status, message and code. */
export function passOn(answer: AuthAnswer<unknown>): HttpException {
  const body = (answer.body ?? {}) as ErrorBody;
  const retryAfterSeconds = answer.retryAfter ? Number(answer.retryAfter) : undefined;
  const status = answer.status >= 500 ? HttpStatus.SERVICE_UNAVAILABLE : answer.status;
  return new HttpException(
    {
      message: body.error?.message ?? `auth answered ${answer.status}`,
      code: answer.status >= 500 ? 'auth_unavailable' : body.error?.code,
      details: body.error?.details,
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    },
    status,
  );
}

/** The console's server-to-server calls to the auth service (sessions). */
@Injectable()
export class AuthClient {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  async call<T>(method: string, path: string, options: { body?: unknown; bearer?: string; forwardedFor?: string; requestId?: string } = {}): Promise<AuthAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
    if (options.requestId) headers['x-request-id'] = options.requestId;
    let res: Response;
    try {
      res = await fetch(`${this.config.AUTH_URL}${path}`, {
        method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.config.CONSOLE_UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      throw authUnavailable(error);
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body: body as T, retryAfter: res.headers.get('retry-after') ?? undefined };
  }
}
