import { z } from 'zod';
import { ACCESS_TOKEN_TTL_SECONDS } from '@millrace/auth-token';
import { isTenantId } from '@millrace/log-schema';
import { baseConfigSchema, databaseConfigSchema, natsConfigSchema } from '@millrace/service-kit';

const DAY = 86400;

export const PASSWORD_MIN_LENGTH = 12;

export const authConfigSchema = baseConfigSchema.merge(natsConfigSchema).merge(databaseConfigSchema).extend({
  /** Encrypts the session signing keys at rest (AES-256-GCM, key derived by HKDF-SHA256). At least 32 characters. */
  AUTH_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)'),
  /** Grace period during which a rotated key's old secret still works (requests may override it: 0..7 days). */
  KEY_ROTATION_GRACE_SECONDS: z.coerce.number().int().min(0).max(7 * DAY).default(DAY),
  /** Lifetime of a session access token (15 min; shorter only to exercise refreshing, as the console's tests do). */
  SESSION_ACCESS_TTL_SECONDS: z.coerce.number().int().min(5).max(ACCESS_TOKEN_TTL_SECONDS).default(ACCESS_TOKEN_TTL_SECONDS),
  /** Lifetime of a refresh token; each refresh issues a new one with a fresh lifetime. */
  SESSION_REFRESH_TTL_SECONDS: z.coerce.number().int().min(60).max(365 * DAY).default(30 * DAY),
  /** Consecutive wrong passwords that lock an account. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** How long a locked account stays locked. */
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(DAY).default(15 * 60),
  /** Log-in attempts per client address and minute, per replica (0 = no limit). */
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  /** First owner on first start: created only if that organisation has no owner yet. Set all three or none. */
  AUTH_BOOTSTRAP_ORG: z.string().refine(isTenantId, 'must match [a-z0-9][a-z0-9_-]{0,62}').optional(),
  AUTH_BOOTSTRAP_OWNER_EMAIL: z.string().trim().toLowerCase().email().optional(),
  AUTH_BOOTSTRAP_OWNER_PASSWORD: z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).optional(),
}).superRefine((config, ctx) => {
  const bootstrap = [config.AUTH_BOOTSTRAP_ORG, config.AUTH_BOOTSTRAP_OWNER_EMAIL, config.AUTH_BOOTSTRAP_OWNER_PASSWORD];
  if (bootstrap.some(Boolean) && !bootstrap.every(Boolean)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['AUTH_BOOTSTRAP_ORG'],
      message: 'set AUTH_BOOTSTRAP_ORG, AUTH_BOOTSTRAP_OWNER_EMAIL and AUTH_BOOTSTRAP_OWNER_PASSWORD together, or none of them',
    });
  }
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

/** Injection token of the validated settings. */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
