import { routeSecurity, SECURITY_SCHEMES } from '@millrace/auth-token';
import { buildOpenApiDocument, describeApplication, loadConfig, type OpenApiOptions } from '@millrace/service-kit';
import { AuthModule } from './app.module';
import { authConfigSchema } from './config';

const OPTIONS: OpenApiOptions = {
  title: 'Millrace auth',
  description: 'Organisations, users, roles, keys and sessions. Every error answers `{"error": {status, code, message, details?, requestId}}`.',
  tags: [
    { name: 'organisation', description: 'The caller and their organisation' },
    { name: 'members', description: 'Users of the organisation and their roles' },
    { name: 'keys', description: 'Ingestion keys (write only) and service keys (scoped)' },
    { name: 'sessions', description: 'Log-in with e-mail and password, refresh, log-out; the public keys of access tokens' },
    { name: 'health', description: 'Liveness, readiness and Prometheus metrics' },
  ],
  securitySchemes: SECURITY_SCHEMES,
  security: routeSecurity,
};

/** Settings that only shape the module graph: nothing connects while the document is built. */
const DOCUMENT_ENV = { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgres://127.0.0.1/auth', AUTH_ENCRYPTION_KEY: 'x'.repeat(32) };

/** The OpenAPI document of auth, from its routes' schemas (the root module defaults to one built for documentation). */
export function authOpenApiDocument(root: unknown = AuthModule.forRoot(loadConfig(authConfigSchema, DOCUMENT_ENV))) {
  return buildOpenApiDocument(root, OPTIONS);
}

/** The same, with the list of routes that could not be documented instead of an error (for tests). */
export function describeAuth(root: unknown = AuthModule.forRoot(loadConfig(authConfigSchema, DOCUMENT_ENV))) {
  return describeApplication(root, OPTIONS);
}
