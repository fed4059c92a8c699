import { createRequire } from 'node:module';
import path from 'node:path';
import { stackEnv, PROFILE, REPO_ROOT } from './stack';

/** The launcher `npm start` uses (tools/platform/services.cjs), loaded at run time. */
const services = createRequire(__filename)(path.join(REPO_ROOT, 'tools', 'platform', 'services.cjs')) as {
  SERVICES: string[];
  urls(profile: string): { ingest: string; query: string; auth: string; console: string };
  migrate(env: object): void;
  startAll(profile: string, env: object, extraFor?: (service: string) => Record<string, string>): Promise<void>;
  startService(profile: string, service: string, env: object, extra?: Record<string, string>): number;
  waitReady(profile: string, service: string, timeoutMs?: number): Promise<void>;
  stopService(profile: string, service: string, options?: { signal?: string; timeoutMs?: number }): Promise<void>;
  stopAll(profile: string): Promise<void>;
  runningPid(profile: string, service: string): number | undefined;
  createOrg(env: object, org: string): OrgKeys;
  createOwner(env: object, org: string, email: string, password: string): unknown;
};

/** An organisation made for a test, with a key of each kind (shown once by the auth CLI). */
export interface OrgKeys {
  org: string;
  ingestKey: string;
  readKey: string;
  /** A service key with logs:read, config:manage and keys:manage. */
  adminKey: string;
}

export interface Platform {
  urls: { ingest: string; query: string; auth: string; console: string };
  start(service: string, extra?: Record<string, string>): Promise<void>;
  stop(service: string, signal?: string): Promise<void>;
  isRunning(service: string): boolean;
  createOrg(org: string): OrgKeys;
  /** A user with a password who owns the organisation (auth CLI create-owner). */
  createOwner(org: string, email: string, password: string): void;
  shutdown(): Promise<void>;
}

/** Start the nine services against the test stack (restarting any left over); `extraFor` adds settings per service. */
export async function startPlatform(extraFor?: (service: string) => Record<string, string>): Promise<Platform> {
  const env = stackEnv();
  await services.stopAll(PROFILE);
  services.migrate(env);
  await services.startAll(PROFILE, env, extraFor);
  return {
    urls: services.urls(PROFILE),
    async start(service, extra = {}) {
      services.startService(PROFILE, service, env, extra);
      if (!extra.INDEXER_FAULT_CRASH_BEFORE_ACK) await services.waitReady(PROFILE, service);
    },
    stop: (service, signal) => services.stopService(PROFILE, service, { signal }),
    isRunning: (service) => services.runningPid(PROFILE, service) !== undefined,
    createOrg: (org) => services.createOrg(env, org),
    createOwner: (org, email, password) => {
      services.createOwner(env, org, email, password);
    },
    shutdown: () => services.stopAll(PROFILE),
  };
}

/** A fresh organisation name per run, so runs never see each other's data. */
export function uniqueOrg(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
