export const SCOPES = ['logs:write', 'logs:read', 'config:manage', 'keys:manage', 'members:manage'] as const;
export type Scope = (typeof SCOPES)[number];

/** What a service key may carry. Ingestion keys always have exactly `logs:write`. */
export const SERVICE_KEY_SCOPES = ['logs:read', 'config:manage', 'keys:manage'] as const satisfies readonly Scope[];

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in user holds the scopes of their role in the organisation. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  owner: ['logs:read', 'config:manage', 'keys:manage', 'members:manage'],
  admin: ['logs:read', 'config:manage', 'keys:manage', 'members:manage'],
  member: ['logs:read', 'config:manage'],
  viewer: ['logs:read'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export type PrincipalKind = 'ingest' | 'service' | 'user';

/** Who is calling, as verified from the credential. The tenant is never read from the request. */
export interface Principal {
  tenant: string;
  kind: PrincipalKind;
  scopes: Scope[];
  /** For users: their role in the organisation. */
  role?: Role;
  keyId?: string;
  userId?: string;
  /** For users: the session (refresh-token family) the access token belongs to. */
  sessionId?: string;
}

/** Request-reply payloads of `auth.keys.verify`. Only the key's hash travels. */
export interface VerifyKeyRequest {
  keyHash: string;
}
/** `ttlSeconds` (may be fractional) bounds how long the verdict may be cached. */
export type VerifyKeyReply = { valid: true; principal: Principal; ttlSeconds?: number } | { valid: false };

/** Broadcast on `auth.keys.revoked` so every cache drops the key at once (also sent for a rotated key's old hash). */
export interface KeyRevokedEvent {
  keyHash: string;
}

/** Retention classes an organisation can choose (days of searchable history). */
export const RETENTION_CLASS_IDS = ['r3', 'r7', 'r14', 'r30', 'r90', 'r365'] as const;
export type RetentionClassId = (typeof RETENTION_CLASS_IDS)[number];

/** Per-organisation settings other services enforce. */
export interface OrgSettings {
  retentionClass: RetentionClassId;
  /** Bytes per UTC day; 0 = unlimited. */
  dailyQuotaBytes: number;
  /** Lines per second; 0 = unlimited. */
  ingestRateLimit: number;
}

/** Request-reply payloads of `auth.orgs.settings`. */
export interface OrgSettingsRequest {
  tenant: string;
}
export type OrgSettingsReply = { found: true; tenant: string; settings: OrgSettings } | { found: false };
