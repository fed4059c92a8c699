export const SCOPES = ['logs:write', 'logs:read', 'config:manage', 'keys:manage'] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

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
}

/** Request-reply payloads of `auth.keys.verify`. Only the key's hash travels. */
export interface VerifyKeyRequest {
  keyHash: string;
}
export type VerifyKeyReply = { valid: true; principal: Principal; ttlSeconds?: number } | { valid: false };

/** Broadcast on `auth.keys.revoked` so every cache drops the key at once. */
export interface KeyRevokedEvent {
  keyHash: string;
}
