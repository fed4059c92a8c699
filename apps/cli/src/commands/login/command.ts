import type { Command } from 'commander';
import { createServices, URL_ENV } from '../../api/clients';
import { ApiError, type ServiceName } from '../../api/errors';
import { sessionTokens } from '../../api/session';
import type { Profile } from '../../config/store';
import { AuthError, UsageError } from '../../errors';
import type { Factory } from '../../factory';
import { readAll } from '../../io/prompt';
import { action, examples } from '../shared/command';
import { logIn, whoAmI } from './http';

interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
  keyStdin?: boolean;
  ingestKey?: string;
  org?: string;
  name?: string;
  queryUrl?: string;
  authUrl?: string;
  ingestUrl?: string;
}

/** At most this many organisations get a profile at one log-in. */
const MAX_ORGS = 20;

export function registerLogin(parent: Command, f: Factory): void {
  const command = parent
    .command('login')
    .argument('[url]', 'the Millrace server (one address for all services), e.g. https://logs.example.com')
    .description('log in with e-mail and password (a session) or with a key, and save a profile')
    .option('--email <email>', 'your e-mail address (asked when missing)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--key-stdin', 'read the key from standard input instead of --key')
    .option('--ingest-key <key>', 'also save this ingestion key (mlr_ik_…) for `millrace ingest`')
    .option('--org <org>', 'the organisation (default: every one you belong to, one profile each)')
    .option('--name <profile>', 'name of the profile (default: the organisation)')
    .option('--query-url <url>', `the query API, when not at [url] (also ${URL_ENV.query})`)
    .option('--auth-url <url>', `the auth service, when not at [url] (also ${URL_ENV.auth})`)
    .option('--ingest-url <url>', `the ingest gateway, when not at [url] (also ${URL_ENV.ingest})`);
  examples(command, [
    'millrace login https://logs.example.com',
    'millrace login https://logs.example.com --email ada@example.com --org acme',
    'printf %s "$PASSWORD" | millrace login https://logs.example.com --email ada@example.com --password-stdin',
    'millrace login https://logs.example.com --key mlr_sk_… --ingest-key mlr_ik_…',
    'set -a; . .millrace/local.env; set +a; millrace login --key "$MILLRACE_READ_KEY"   # the local platform',
  ]);
  action<LoginOptions>(command, f, login);
}

async function login(f: Factory, [url]: Array<string | undefined>, options: LoginOptions & { key?: string }): Promise<void> {
  const base = url?.replace(/\/+$/, '');
  if (base !== undefined && !/^https?:\/\/[^/]/.test(base)) throw new UsageError(`"${url}" is not an http:// or https:// URL`);
  const pick = (flag: string | undefined, service: ServiceName) => (flag ?? base ?? f.io.env[URL_ENV[service]])?.replace(/\/+$/, '');
  const urls = { query: pick(options.queryUrl, 'query'), auth: pick(options.authUrl, 'auth'), ingest: pick(options.ingestUrl, 'ingest') };
  if (!urls.auth) throw new UsageError(`give the server's address: millrace login https://logs.example.com (or set ${URL_ENV.auth})`);

  let key = options.key;
  if (options.keyStdin) key = (await readAll(f.io.stdin)).trim();
  const profiles = key !== undefined ? await withKey(f, urls, key, options) : await withPassword(f, urls, options);

  const names = await f.store.update((config) => {
    const saved: string[] = [];
    for (const [i, { org, profile }] of profiles.entries()) {
      const name = i === 0 && options.name ? options.name : uniqueName(config.profiles, org, urls.auth!);
      config.profiles[name] = profile;
      saved.push(name);
    }
    config.current = saved[0];
    return saved;
  });
  const first = profiles[0].profile;
  const who = first.user ? ` as ${first.user}${first.role ? ` (${first.role})` : ''}` : '';
  f.io.stderr.write(`${f.io.errColor.green('✓')} Logged in to ${first.org}${who}; profile "${names[0]}" is now in use.\n`);
  if (names.length > 1) {
    f.io.stderr.write(`  Also saved: ${names.slice(1).join(', ')} (change with \`millrace switch <profile>\`).\n`);
  }
}

/** A profile per organisation: its own name, unless that name is taken by another server. */
function uniqueName(existing: Record<string, Profile>, org: string, authUrl: string): string {
  const taken = (name: string) => existing[name] !== undefined && existing[name].authUrl !== authUrl;
  if (!taken(org)) return org;
  const host = new URL(authUrl).host;
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${org}@${host}` : `${org}@${host}-${n}`;
    if (!taken(name)) return name;
  }
}

type Urls = Record<ServiceName, string | undefined>;

async function withKey(f: Factory, urls: Urls, key: string, options: LoginOptions): Promise<Array<{ org: string; profile: Profile }>> {
  if (!key) throw new UsageError('the key is empty');
  const services = createServices({ urls, fetch: f.fetch, token: async () => key });
  let me;
  try {
    me = await whoAmI(services.auth);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new AuthError(`the key was refused (${error.serverMessage}): check it, it may be revoked or expired`);
    throw error;
  }
  if (options.org && options.org !== me.tenant) throw new UsageError(`this key belongs to organisation ${me.tenant}, not ${options.org}`);
  const profile: Profile = { queryUrl: urls.query, authUrl: urls.auth, ingestUrl: urls.ingest, org: me.tenant, user: `${me.kind} key` };
  if (me.kind === 'ingest') profile.ingestKey = key;
  else profile.key = key;
  if (options.ingestKey) profile.ingestKey = options.ingestKey;
  return [{ org: me.tenant, profile }];
}

async function withPassword(f: Factory, urls: Urls, options: LoginOptions): Promise<Array<{ org: string; profile: Profile }>> {
  const email = options.email ?? (await f.prompter.text('E-mail: '));
  if (!email) throw new UsageError('an e-mail address is needed (--email)');
  let password: string;
  if (options.passwordStdin) password = (await readAll(f.io.stdin)).replace(/\r?\n$/, '');
  else password = await f.prompter.secret('Password: ');
  if (!password) throw new UsageError('the password is empty');

  const auth = createServices({ urls, fetch: f.fetch, token: async () => undefined }).auth;
  const attempt = async (org?: string) => {
    try {
      return await logIn(auth, { email, password, ...(org ? { org } : {}) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throw new AuthError(`log-in refused: ${error.serverMessage}`);
      throw error;
    }
  };
  let sessions;
  try {
    sessions = [await attempt(options.org)];
  } catch (error) {
    const orgs = (error instanceof ApiError && error.status === 400 ? (error.details as { orgs?: unknown })?.orgs : undefined);
    if (!Array.isArray(orgs)) throw error;
    // Several organisations: one session (and profile) for each, so `millrace switch` needs no password.
    sessions = [];
    for (const org of orgs.slice(0, MAX_ORGS)) sessions.push(await attempt(String(org)));
  }
  const now = f.now();
  return sessions.map((s) => ({
    org: s.org,
    profile: {
      queryUrl: urls.query, authUrl: urls.auth, ingestUrl: urls.ingest, org: s.org, user: s.user.email, role: s.role,
      session: sessionTokens(s, now), ...(options.ingestKey ? { ingestKey: options.ingestKey } : {}),
    },
  }));
}
