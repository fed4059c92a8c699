import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { lock } from 'proper-lockfile';
import { CliError } from '../errors';
import type { Env } from '../io/streams';

/** A session from `POST /v1/sessions`: refreshed before the access token runs out. */
export interface SessionTokens {
  accessToken: string;
  /** Epoch ms. */
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt?: string;
}

/** One server and one organisation, with the credential for it. */
export interface Profile {
  queryUrl?: string;
  authUrl?: string;
  ingestUrl?: string;
  org?: string;
  /** Who logged in: a user's e-mail, or the kind of key. */
  user?: string;
  role?: string;
  /** A service key (mlr_sk_…) used for reading and configuring. */
  key?: string;
  /** An ingestion key (mlr_ik_…) used by `millrace ingest`. */
  ingestKey?: string;
  session?: SessionTokens;
}

export interface ConfigFile {
  version: 1;
  current?: string;
  profiles: Record<string, Profile>;
}

/** `$XDG_CONFIG_HOME/millrace`, else `~/.config/millrace`. */
export function configDir(env: Env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'millrace');
  return path.join(env.HOME || homedir(), '.config', 'millrace');
}

/**
 * The user's credentials file (`config.json`, mode 0600 in a 0700 folder). Writes are atomic
 * (a temporary file renamed over the old one); read-modify-write runs under a lock file so
 * two CLIs refreshing the same session at once never both spend the one-time refresh token.
 */
export class ConfigStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'config.json');
  }

  read(): ConfigFile {
    if (!existsSync(this.file)) return { version: 1, profiles: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<ConfigFile>;
      return { version: 1, current: parsed.current, profiles: parsed.profiles ?? {} };
    } catch (error) {
      throw new CliError(`the credentials file ${this.file} is not valid JSON (${(error as Error).message}): fix or delete it`);
    }
  }

  write(config: ConfigFile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }

  /** Read, change and write under the lock; `change` may be async (a refresh request). */
  async update<T>(change: (config: ConfigFile) => Promise<T> | T): Promise<T> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(this.file)) this.write({ version: 1, profiles: {} });
    const release = await lock(this.file, { realpath: false, stale: 15_000, retries: { retries: 50, minTimeout: 20, maxTimeout: 200 } });
    try {
      const config = this.read();
      const result = await change(config);
      this.write(config);
      return result;
    } finally {
      await release();
    }
  }
}
