import type { ConfigStore, Profile } from '../config/store';
import { AuthError, UsageError } from '../errors';
import type { Env } from '../io/streams';
import { call, createServices, URL_ENV, type Services } from './clients';
import { ApiError, type ServiceName } from './errors';
import { needsRefresh, sessionTokens, type SessionAnswer } from './session';

/** The options every command inherits from `millrace`. */
export interface GlobalOptions {
  profile?: string;
  key?: string;
}

/** Where the commands of one run talk to, and with which credential. */
export interface Connection {
  services: Services;
  urls: Partial<Record<ServiceName, string>>;
  /** The profile in use, when the credential comes from one. */
  profileName?: string;
  profile?: Profile;
}

interface Credential {
  source: 'flag' | 'env' | 'profile';
  key?: string;
}

export interface ConnectDeps {
  store: ConfigStore;
  env: Env;
  fetch: typeof fetch;
  now(): number;
}

/**
 * Credentials, in order: `--key`; an explicit `--profile`; MILLRACE_KEY (MILLRACE_READ_KEY,
 * and MILLRACE_INGEST_KEY for ingestion, as `.millrace/local.env` names them); the current
 * profile. URLs come from the profile when its credential is used, else from
 * MILLRACE_QUERY_URL / MILLRACE_INGEST_URL / MILLRACE_AUTH_URL (then the profile).
 */
export function connect(deps: ConnectDeps, options: GlobalOptions): Connection {
  const config = deps.store.read();
  const profileName = options.profile ?? config.current;
  const profile = profileName !== undefined ? config.profiles[profileName] : undefined;
  if (options.profile !== undefined && !profile) {
    const known = Object.keys(config.profiles);
    throw new UsageError(`no profile named "${options.profile}"${known.length ? ` (profiles: ${known.join(', ')})` : ': log in first with `millrace login`'}`);
  }
  const env = deps.env;
  const pick = (...keys: Array<string | undefined>) => keys.find((k) => k !== undefined && k !== '');

  const reading: Credential = options.key ? { source: 'flag', key: options.key }
    : options.profile ? { source: 'profile' }
    : pick(env.MILLRACE_KEY, env.MILLRACE_READ_KEY) ? { source: 'env', key: pick(env.MILLRACE_KEY, env.MILLRACE_READ_KEY) }
    : { source: 'profile' };
  const ingestEnv = pick(env.MILLRACE_INGEST_KEY, env.MILLRACE_KEY);
  const ingesting: Credential = options.key ? { source: 'flag', key: options.key }
    : options.profile ? { source: 'profile', key: pick(profile?.ingestKey, profile?.key) }
    : ingestEnv ? { source: 'env', key: ingestEnv }
    : { source: 'profile', key: pick(profile?.ingestKey, profile?.key) };

  const url = (service: ServiceName, credential: Credential) => {
    const fromProfile = profile?.[`${service}Url` as const];
    const fromEnv = pick(env[URL_ENV[service]]);
    return (credential.source === 'profile' ? pick(fromProfile, fromEnv) : pick(fromEnv, fromProfile))?.replace(/\/+$/, '');
  };
  const urls = { query: url('query', reading), auth: url('auth', reading), ingest: url('ingest', ingesting) };

  const token = async (service: ServiceName): Promise<string | undefined> => {
    if (service === 'ingest') {
      if (!ingesting.key) {
        throw new AuthError('ingestion needs an ingestion key (mlr_ik_…): give it with --key, set MILLRACE_INGEST_KEY, or store one with `millrace login --ingest-key KEY`');
      }
      return ingesting.key;
    }
    if (reading.key) return reading.key;
    if (profile?.key) return profile.key;
    if (profile?.session && profileName !== undefined) return freshAccessToken(deps, profileName, urls.auth);
    throw new AuthError('not logged in: run `millrace login`, or give a key with --key or MILLRACE_KEY');
  };

  return {
    services: createServices({ urls, fetch: deps.fetch, token }),
    urls,
    profileName: reading.source === 'profile' ? profileName : undefined,
    profile,
  };
}

/**
 * The profile's access token, refreshed first when it ends within a minute. The refresh runs
 * under the credentials file's lock and re-reads the file, so concurrent CLIs refresh once.
 */
async function freshAccessToken(deps: ConnectDeps, profileName: string, authUrl: string | undefined): Promise<string> {
  const current = deps.store.read().profiles[profileName]?.session;
  if (current && !needsRefresh(current, deps.now())) return current.accessToken;
  return deps.store.update(async (config) => {
    const profile = config.profiles[profileName];
    const session = profile?.session;
    if (!session) throw new AuthError(`profile ${profileName} has no session any more: log in again with \`millrace login\``);
    if (!needsRefresh(session, deps.now())) return session.accessToken;
    const auth = createServices({ urls: { auth: authUrl }, fetch: deps.fetch, token: async () => undefined }).auth;
    try {
      const answer = await call<SessionAnswer>('auth', auth.POST('/v1/sessions/refresh', { body: { refreshToken: session.refreshToken } }));
      profile.session = sessionTokens(answer, deps.now());
      return answer.accessToken;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        throw new AuthError(`the session of profile ${profileName} has ended (${error.serverMessage}): log in again with \`millrace login\``);
      }
      throw error;
    }
  });
}
