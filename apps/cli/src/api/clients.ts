import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { createAuthClient, createQueryApiClient, type AuthPaths, type QueryApiPaths } from '@millrace/api-client';
import { UsageError } from '../errors';
import { ApiError, ConnectionError, SERVICE_LABEL, type ServiceName } from './errors';

/** The ingest gateway's routes are protocol endpoints outside the typed documents. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UntypedPaths = Record<string, any>;

/**
 * The clients every command uses: the query API and auth through the client generated from
 * their OpenAPI documents (libs/api-client), the gateway through the same openapi-fetch shape.
 */
export interface Services {
  query: Client<QueryApiPaths>;
  auth: Client<AuthPaths>;
  ingest: Client<UntypedPaths>;
}

export const USER_AGENT = 'millrace-cli/0.1.0';

export const URL_ENV: Record<ServiceName, string> = {
  query: 'MILLRACE_QUERY_URL',
  auth: 'MILLRACE_AUTH_URL',
  ingest: 'MILLRACE_INGEST_URL',
};

export interface ServiceOptions {
  urls: Partial<Record<ServiceName, string>>;
  fetch: typeof fetch;
  /** The credential for a service (may refresh a session first), or undefined for none. */
  token(service: ServiceName): Promise<string | undefined>;
}

/** A missing URL is named before anything is sent; a network failure becomes a clear error. */
function transport(service: ServiceName, baseUrl: string | undefined): Middleware {
  return {
    onRequest({ request }) {
      if (!baseUrl) throw new UsageError(`no URL for ${SERVICE_LABEL[service]}: log in with \`millrace login URL\` or set ${URL_ENV[service]}`);
      request.headers.set('user-agent', USER_AGENT);
      return request;
    },
    onError({ error }) {
      if (error instanceof Error && (error.name === 'AbortError' || error instanceof ConnectionError)) return error;
      return new ConnectionError(service, baseUrl ?? '', error);
    },
  };
}

export function createServices(options: ServiceOptions): Services {
  const baseUrl = (service: ServiceName) => options.urls[service] ?? 'http://url.missing.invalid';
  const common = (service: ServiceName) => ({ baseUrl: baseUrl(service), fetch: options.fetch, token: () => options.token(service) });
  const query = createQueryApiClient(common('query'));
  const auth = createAuthClient(common('auth'));
  const ingest = createClient<UntypedPaths>({ baseUrl: baseUrl('ingest'), fetch: options.fetch });
  ingest.use({
    async onRequest({ request }) {
      const token = await options.token('ingest');
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  });
  query.use(transport('query', options.urls.query));
  auth.use(transport('auth', options.urls.auth));
  ingest.use(transport('ingest', options.urls.ingest));
  return { query, auth, ingest };
}

export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError naming the service, the status and the server's message. */
export async function call<T>(service: ServiceName, pending: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw ApiError.from(service, response, error);
  return data as T;
}
