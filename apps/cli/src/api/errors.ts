import { CliError, EXIT } from '../errors';

export type ServiceName = 'query' | 'auth' | 'ingest';

export const SERVICE_LABEL: Record<ServiceName, string> = {
  query: 'the query API',
  auth: 'the auth service',
  ingest: 'the ingest gateway',
};

/** The common error body of every Millrace service: `{"error":{status, code, message, requestId, details?}}`. */
interface ErrorBody {
  error?: { status?: number; code?: string; message?: string; requestId?: string; details?: unknown; retryAfterSeconds?: number };
  message?: string;
}

/** A service answered with an error status. 401 and 403 exit with 3, everything else with 1. */
export class ApiError extends CliError {
  override name = 'ApiError';
  constructor(
    readonly service: ServiceName,
    readonly status: number,
    readonly serverMessage: string,
    readonly code?: string,
    readonly retryAfterSeconds?: number,
    readonly details?: unknown,
  ) {
    super(describe(service, status, serverMessage, retryAfterSeconds, details), status === 401 || status === 403 ? EXIT.auth : EXIT.failure);
  }

  static from(service: ServiceName, response: Response, body: unknown): ApiError {
    const parsed = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
    const message = parsed.error?.message ?? parsed.message ?? (typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : response.statusText || 'no message');
    const header = response.headers.get('retry-after');
    const retryAfter = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : parsed.error?.retryAfterSeconds;
    return new ApiError(service, response.status, message, parsed.error?.code, retryAfter, parsed.error?.details);
  }
}

function describe(service: ServiceName, status: number, message: string, retryAfter: number | undefined, details: unknown): string {
  const where = `${SERVICE_LABEL[service]} answered ${status}`;
  const fields = fieldProblems(details);
  switch (status) {
    case 401:
      return `${where}: ${message}. Log in with \`millrace login\`, or give a valid key with --key or MILLRACE_KEY.`;
    case 403:
      return `${where}: ${message}. The credential is valid but may not do this.`;
    case 429:
      return `${where} (too many requests): ${message}${retryAfter !== undefined ? `; try again in ${formatWait(retryAfter)}` : ''}.`;
    default:
      return `${where}: ${message}${fields}`;
  }
}

/** Validation errors list the path of every invalid field. */
function fieldProblems(details: unknown): string {
  const items = Array.isArray(details) ? details : Array.isArray((details as { issues?: unknown })?.issues) ? (details as { issues: unknown[] }).issues : [];
  const lines = items.flatMap((item) => {
    const i = item as { field?: unknown; path?: unknown; problem?: unknown; message?: unknown };
    const path = Array.isArray(i.path) ? i.path.join('.') : typeof i.path === 'string' ? i.path : typeof i.field === 'string' ? i.field : undefined;
    const problem = typeof i.problem === 'string' ? i.problem : typeof i.message === 'string' ? i.message : undefined;
    return path !== undefined && problem !== undefined ? [`  ${path || '(body)'}: ${problem}`] : [];
  });
  return lines.length ? `\n${lines.join('\n')}` : '';
}

export function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** A service could not be reached at all (exit 1). */
export class ConnectionError extends CliError {
  override name = 'ConnectionError';
  constructor(readonly service: ServiceName, readonly url: string, cause: unknown) {
    super(`cannot reach ${SERVICE_LABEL[service]} at ${url} (${networkReason(cause)})`, EXIT.failure, { cause });
  }

  /** True when the connection was never made, so the request certainly had no effect. */
  get neverConnected(): boolean {
    return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(errorCode(this.cause) ?? '');
  }
}

export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length) return errorCode(errors[0]);
  }
  return undefined;
}

function networkReason(cause: unknown): string {
  const code = errorCode(cause);
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused: is it running, and is the URL right?';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'host name not found';
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': return 'timed out';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return 'the connection was cut';
    case undefined: return (cause as Error)?.name === 'TimeoutError' ? 'timed out' : String((cause as Error)?.message ?? cause);
    default: return code;
  }
}
