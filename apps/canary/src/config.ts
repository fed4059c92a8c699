import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const urls = z.string().min(1).transform((v, ctx) => {
  const list = v.split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean);
  for (const u of list) if (!/^https?:\/\/./.test(u)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${u} is not an http(s) URL` });
  return list;
});
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The canary's settings (environment, as in Kubernetes; flags override for local runs). */
export const canaryConfigSchema = z.object({
  CANARY_INGEST_URLS: urls,
  CANARY_QUERY_URLS: urls,
  CANARY_INGEST_KEY: z.string().regex(/^mlr_ik_/, 'must be an ingestion key (mlr_ik_…)'),
  CANARY_READ_KEY: z.string().min(8),
  /** Lines per second, written in CANARY_BATCH-line requests. */
  CANARY_RATE: z.coerce.number().positive().max(100_000).default(100),
  CANARY_BATCH: z.coerce.number().int().min(1).max(1000).optional(),
  /** Seconds to run; 0 = until stopped (SIGTERM). */
  CANARY_DURATION_SECONDS: z.coerce.number().min(0).default(0),
  CANARY_LATE_MS: z.coerce.number().int().min(100).default(10_000),
  CANARY_MISSING_MS: z.coerce.number().int().min(1000).default(120_000),
  CANARY_POLL_MS: z.coerce.number().int().min(100).default(1000),
  /** Below the broker's two-minute duplicate window, so a retried request is never stored twice. */
  CANARY_MAX_RETRY_MS: z.coerce.number().int().min(1000).max(110_000).default(90_000),
  CANARY_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(64),
  CANARY_TAIL: flag.default('true'),
  CANARY_APP: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('canary'),
  /** `/metrics` and `/health/live`; -1 = off. */
  CANARY_METRICS_PORT: z.coerce.number().int().min(-1).max(65535).default(9464),
  CANARY_METRICS_HOST: z.string().default('0.0.0.0'),
  CANARY_REPORT_SECONDS: z.coerce.number().int().min(1).default(10),
  CANARY_FAULT_SETTLE_MS: z.coerce.number().int().min(0).default(5000),
  CANARY_FAULT_DOWN_MS: z.coerce.number().int().min(0).default(5000),
  CANARY_FAULT_RECOVER_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
});
export type CanaryConfig = z.infer<typeof canaryConfigSchema> & { CANARY_BATCH: number };

export interface CanaryArgs {
  profile?: string;
  /** Fault phases to run (empty string: all). */
  faults?: string;
  json?: string;
  env: Record<string, string>;
}

const FLAG_TO_ENV: Record<string, string> = {
  'ingest-url': 'CANARY_INGEST_URLS', 'query-url': 'CANARY_QUERY_URLS', rate: 'CANARY_RATE', batch: 'CANARY_BATCH',
  duration: 'CANARY_DURATION_SECONDS', 'late-ms': 'CANARY_LATE_MS', 'missing-ms': 'CANARY_MISSING_MS',
  'metrics-port': 'CANARY_METRICS_PORT', tail: 'CANARY_TAIL', settle: 'CANARY_FAULT_SETTLE_MS', down: 'CANARY_FAULT_DOWN_MS',
};

export const USAGE = `usage: canary [--profile dev|cluster|…] [--faults [phase,…]] [--duration s] [--rate lines/s] [--batch n]
              [--ingest-url a,b] [--query-url a,b] [--json report.json] [--metrics-port=n|-1] [--tail true|false]
keys come from CANARY_INGEST_KEY and CANARY_READ_KEY, or from the local profile's settings file`;

export function parseCanaryArgs(argv: string[]): CanaryArgs {
  const options = Object.fromEntries(Object.keys(FLAG_TO_ENV).map((k) => [k, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    options: { ...options, profile: { type: 'string' }, faults: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const env: Record<string, string> = {};
  for (const [flagName, envName] of Object.entries(FLAG_TO_ENV)) {
    const v = (values as Record<string, unknown>)[flagName];
    if (typeof v === 'string') env[envName] = v;
  }
  return { profile: values.profile as string | undefined, faults: values.faults as string | undefined, json: values.json as string | undefined, env };
}

/** `--faults` alone means every phase: parseArgs wants a value, so accept a following flag or nothing. */
export function normaliseFaultsFlag(argv: string[]): string[] {
  return argv.flatMap((a, i) => (a === '--faults' && (i === argv.length - 1 || argv[i + 1].startsWith('--')) ? ['--faults', ''] : [a]));
}

/**
 * A local profile's URLs (every gateway and query-api replica, tools/platform/services.cjs) and
 * the demo organisation's keys (.millrace/local.env or local.<profile>.env, written by npm start).
 */
export function localProfileEnv(profile: string, repoRoot: string): Record<string, string> {
  const services = createRequire(__filename)(path.join(repoRoot, 'tools', 'platform', 'services.cjs')) as {
    replicaUrls(profile: string): { ingest: string[]; query: string[] };
  };
  const replicas = services.replicaUrls(profile);
  const env: Record<string, string> = { CANARY_INGEST_URLS: replicas.ingest.join(','), CANARY_QUERY_URLS: replicas.query.join(','), CANARY_METRICS_HOST: '127.0.0.1' };
  const file = path.join(repoRoot, '.millrace', profile === 'dev' ? 'local.env' : `local.${profile}.env`);
  if (existsSync(file)) {
    const local = Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    if (local.MILLRACE_INGEST_KEY) env.CANARY_INGEST_KEY = local.MILLRACE_INGEST_KEY;
    if (local.MILLRACE_READ_KEY) env.CANARY_READ_KEY = local.MILLRACE_READ_KEY;
  }
  return env;
}

/** Settings from, in order of precedence: flags, the environment, the local profile. */
export function loadCanaryConfig(args: CanaryArgs, env: NodeJS.ProcessEnv, profileEnv: Record<string, string> = {}): CanaryConfig {
  const merged = { ...profileEnv, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')), ...args.env };
  const result = canaryConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new Error(`invalid canary settings:\n${result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const config = result.data;
  return { ...config, CANARY_BATCH: config.CANARY_BATCH ?? Math.max(1, Math.min(1000, Math.round(config.CANARY_RATE / 10))) };
}
