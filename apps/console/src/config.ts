import path from 'node:path';
import { z } from 'zod';
import { baseConfigSchema } from '@millrace/service-kit';

const httpUrl = z.string().url().refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://').transform((v) => v.replace(/\/+$/, ''));

/** Where `vite build` of apps/console-web puts the single-page application. */
export const DEFAULT_WEB_ROOT = path.resolve(__dirname, '..', '..', 'console-web', 'dist');

export const consoleConfigSchema = baseConfigSchema.extend({
  /** The auth service (log-in, refresh, members, keys) as the console reaches it. */
  AUTH_URL: httpUrl,
  /** The query-api (search, tail, graphs, configuration) as the console reaches it. */
  QUERY_API_URL: httpUrl,
  /** Seals the session cookie (AES-256-GCM, key derived by HKDF-SHA256). At least 32 characters; the same on every replica. */
  CONSOLE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)'),
  /** `auto`: Secure cookies except when the browser reaches the console on localhost / 127.0.0.1 / [::1]. */
  CONSOLE_SECURE_COOKIES: z.enum(['auto', 'always', 'never']).default('auto'),
  /** The built single-page application (index.html and assets/). */
  CONSOLE_WEB_ROOT: z.string().refine((v) => path.isAbsolute(v), 'must be an absolute path').default(DEFAULT_WEB_ROOT),
  /** The ingest endpoints the getting-started page shows (as shippers reach them). */
  CONSOLE_PUBLIC_INGEST_URL: httpUrl.optional(),
  CONSOLE_PUBLIC_SYSLOG_HOST: z.string().max(255).optional(),
  CONSOLE_PUBLIC_SYSLOG_TCP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  CONSOLE_PUBLIC_SYSLOG_TLS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** An access token is refreshed when it has less than this left (capped at a third of its lifetime). */
  CONSOLE_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  /** How long an upstream may take to answer headers; streams (tail, export) may then run as long as they send. */
  CONSOLE_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;
export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');
