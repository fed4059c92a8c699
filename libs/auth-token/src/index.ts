export { KEY_PREFIXES, generateKey, looksLikeKey, keyKindOf, hashKey, displayPrefix, secretsEqual } from './keys';
export type { KeyKind } from './keys';
export { SCOPES, SERVICE_KEY_SCOPES, ROLES, ROLE_SCOPES, isRole, RETENTION_CLASS_IDS } from './principal';
export type {
  Scope, Role, Principal, PrincipalKind, VerifyKeyRequest, VerifyKeyReply, KeyRevokedEvent,
  RetentionClassId, OrgSettings, OrgSettingsRequest, OrgSettingsReply,
} from './principal';
export { AUTH_TOKEN_SUBJECTS, SESSION_ISSUER, SESSION_AUDIENCE, SESSION_ALGORITHM, ACCESS_TOKEN_TTL_SECONDS } from './constants';
export { extractCredential } from './credentials';
export type { Credential, CredentialSource, ExtractOptions } from './credentials';
export { MissingCredentialError, InvalidCredentialError, ForbiddenCredentialError, AuthUnavailableError } from './errors';
export { KeyVerifier, AUTH_CLIENT } from './key-verifier';
export { SessionTokenVerifier, NatsSessionVerifier, SESSION_VERIFIER } from './session-verifier';
export type { SessionVerifier, SessionTokenVerifierOptions } from './session-verifier';
export { AuthGuard, Auth, CurrentPrincipal, authorise, AUTH_REQUIREMENT, KEY_VERIFICATION } from './guard';
export type { AuthRequirement, KeyVerification } from './guard';
export { AuthTokenModule } from './auth-token.module';
export type { AuthTokenModuleOptions } from './auth-token.module';
export { OrgSettingsClient } from './org-settings.client';
export { SECURITY_SCHEMES, securityOf, routeSecurity } from './openapi';
