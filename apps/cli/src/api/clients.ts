import createClient, { type Client } from 'openapi-fetch';
import { UsageError } from '../errors';
import { ApiError, ConnectionError, SERVICE_LABEL, type ServiceName } from './errors';

/**
 * Until the generated client of libs/api-client replaces these types, every path is untyped;
 * the calls already have the openapi-fetch shape (`GET(path, { params })`), so switching is a
 * change of type, not of code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UntypedPaths = Record<string, any>;
export type RestClient = Client<UntypedPaths>;

export type Services = Record<ServiceName, RestClient>;

export const USER_AGENT = 'millrace-cli/0.1.0';

export const URL_ENV: Record<ServiceName, string> = {
  query: 'MILLRACE_QUERY_URL',
  auth: 'MILLRACE_AUTH_URL',
  ingest: 'MILLRACE_INGEST_URL',
};

export interface ServiceOptions {
  urls: Partial<Record<ServiceName, string>>;
  fetch: typeof fetch;
  /** The Authorization header for a service (may refresh a session first), or undefined. */
  authorization(service: ServiceName): Promise<string | undefined>;
}

/** One client per service, each adding the credential and turning network failures into clear errors. */
export function createServices(options: ServiceOptions): Services {
  const make = (service: ServiceName): RestClient => {
    const baseUrl = options.urls[service];
    const client = createClient<UntypedPaths>({ baseUrl: baseUrl ?? 'http://url.missing.invalid', fetch: options.fetch });
    client.use({
      async onRequest({ request }) {
        const authorization = await options.authorization(service);
        if (!baseUrl) throw new UsageError(`no URL for ${SERVICE_LABEL[service]}: log in with \`millrace login URL\` or set ${URL_ENV[service]}`);
        if (authorization) request.headers.set('authorization', authorization);
        request.headers.set('user-agent', USER_AGENT);
        return request;
      },
      onError({ error }) {
        if (error instanceof Error && (error.name === 'AbortError' || error instanceof ConnectionError)) return error;
        return new ConnectionError(service, baseUrl ?? '', error);
      },
    });
    return client;
  };
  return { query: make('query'), auth: make('auth'), ingest: make('ingest') };
}

export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError naming the service, the status and the server's message. */
export async function call<T>(service: ServiceName, pending: Promise<FetchResult<unknown>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw ApiError.from(service, response, error);
  return data as T;
}
