/** NATS subjects owned by the auth service beyond those in log-schema's AUTH_SUBJECTS. */
export const AUTH_TOKEN_SUBJECTS = {
  /** Request-reply: `{}` → `{ keys: JWK[] }`, the public keys that verify session access tokens. */
  jwks: 'auth.keys.jwks',
} as const;

/** Session access tokens: EdDSA (Ed25519) JWTs with these fixed claims. */
export const SESSION_ISSUER = 'millrace-auth';
export const SESSION_AUDIENCE = 'millrace';
export const SESSION_ALGORITHM = 'EdDSA';
/** Access tokens live 15 minutes; a revoked session's access token dies within that time. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
