// First: zod schemas learn OpenAPI metadata before any schema is defined.
export { named, namedV4, nonBlank, documented, errorBodySchema, invalidFieldSchema, timestampSchema, uuidSchema } from './openapi/schemas';
export type { SchemaMeta } from './openapi/schemas';
export {
  ConfigError, loadConfig, baseConfigSchema, natsConfigSchema, databaseConfigSchema, openSearchConfigSchema,
  booleanFlag, portSetting,
} from './config';
export type { BaseConfig, NatsConfig, DatabaseConfig, OpenSearchConfig } from './config';
export { loggingModule, REDACTED_PATHS } from './logging';
export { MetricsModule, MetricsController } from './metrics';
export { HealthModule, HealthController, READINESS_CHECKS } from './health';
export type { ReadinessCheck } from './health';
export { GlobalExceptionFilter, errorBody, frameworkError } from './errors';
export type { ErrorBody, HttpMeaningfulError } from './errors';
export { bootstrapService, runMain } from './bootstrap';
export { httpServerConfigSchema, httpServerOptions, proxyTrust } from './http-server';
export type { HttpServerConfig } from './http-server';
export type { ServiceOptions } from './bootstrap';
export { OpenSearchModule, OPENSEARCH_CLIENT, OpenSearchReadiness, createOpenSearchClient, openSearchNodes } from './opensearch';
export { databaseOptions, migrateSchema, PostgresReadiness } from './database';
export type { SchemaOptions } from './database';
export { PublicRoute, PUBLIC_ROUTE } from './public-route';
export { testStackEnv } from './testing';
export type { TestStackEnv } from './testing';
export { createTestApp, routesServedBy } from './test-app';
export { testServiceEnv, testSealingKey } from './testing';
export {
  ZodValidationPipe, ValidBody, ValidQuery, ValidParams, ValidHeaders, validate, checkQuery,
  RequestValidationError, InvalidValueError, VALIDATION_FAILED, INVALID_VALUE,
} from './validation';
export type { InputLocation, InvalidField } from './validation';
export { Endpoint, ApiTag, ENDPOINT_METADATA, API_TAG_METADATA } from './openapi/endpoint';
export type { EndpointOptions, ResponseSpec } from './openapi/endpoint';
export { buildOpenApiDocument, describeApplication, controllersOf, routesOf, routeDrift, inputsOf } from './openapi/document';
export type { OpenApiOptions, OperationSecurity, ManualRoute, BuiltDocument, DiscoveredRoute, RouteInputs } from './openapi/document';
