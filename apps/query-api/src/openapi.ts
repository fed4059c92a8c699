import { routeSecurity, securityOf, SECURITY_SCHEMES } from '@millrace/auth-token';
import { buildOpenApiDocument, describeApplication, loadConfig, type OpenApiOptions } from '@millrace/service-kit';
import { QueryApiModule } from './app.module';
import { queryApiConfigSchema } from './config';
import { TAIL_WS_ROUTE } from './tail/tail-ws';

const { requirement, ...tailWs } = TAIL_WS_ROUTE;

const OPTIONS: OpenApiOptions = {
  title: 'Millrace query API',
  description: 'Search, graphs, export, live tail and configuration (views, parsing, routing rules, drains, alerts, archives, usage). '
    + 'Every error answers `{"error": {status, code, message, details?, requestId}}`.',
  tags: [
    { name: 'search', description: 'Search, context, fields and export' },
    { name: 'graphs', description: 'Histograms, top values and numeric statistics' },
    { name: 'tail', description: 'Live tail over Server-Sent Events and WebSocket' },
    { name: 'views', description: 'Saved searches' },
    { name: 'parsing', description: 'Custom parsing rules and redaction' },
    { name: 'routing rules', description: 'Exclusion and sampling before parsing' },
    { name: 'drains', description: 'Pushing lines to HTTP and syslog endpoints' },
    { name: 'alerts', description: 'Presence, absence and threshold alerts with their channels' },
    { name: 'archives', description: 'Archive destination and rehydration' },
    { name: 'usage', description: 'Daily volume and quota' },
    { name: 'health', description: 'Liveness, readiness and Prometheus metrics' },
  ],
  securitySchemes: SECURITY_SCHEMES,
  security: routeSecurity,
  extraRoutes: [{ ...tailWs, security: securityOf(requirement) }],
};

/** Settings that only shape the module graph: nothing connects while the document is built. */
const DOCUMENT_ENV = { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgres://127.0.0.1/query', OPENSEARCH_URL: 'http://127.0.0.1:9200', SEALING_KEY: 'documentation-only-sealing-key-never-used-to-seal' };

const documentationRoot = () => QueryApiModule.forRoot(loadConfig(queryApiConfigSchema, DOCUMENT_ENV));

/** The OpenAPI document of the query API, from its routes' schemas (the root module defaults to one built for documentation). */
export function queryApiOpenApiDocument(root: unknown = documentationRoot()) {
  return buildOpenApiDocument(root, OPTIONS);
}

/** The same, with the list of routes that could not be documented instead of an error (for tests). */
export function describeQueryApi(root: unknown = documentationRoot()) {
  return describeApplication(root, OPTIONS);
}
