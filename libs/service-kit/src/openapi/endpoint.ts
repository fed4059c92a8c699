import { SetMetadata } from '@nestjs/common';
import type { ZodTypeAny } from 'zod';

/** One success answer of an operation. */
export interface ResponseSpec {
  description: string;
  /** The JSON body (application/json). */
  schema?: ZodTypeAny;
  example?: unknown;
  /** Other media types (streams, CSV, Prometheus text), each with the schema of its body. */
  content?: Record<string, { schema: ZodTypeAny; example?: unknown }>;
}

/** What a route tells its readers; the request shapes come from its validation pipes. */
export interface EndpointOptions {
  summary: string;
  description?: string;
  /** Unique across the service; default `<controller><Method>` (e.g. `searchFind`). */
  operationId?: string;
  /** Success answers by status: a schema (JSON), a full spec, or null for an empty answer (204). */
  responses: Record<number, ZodTypeAny | ResponseSpec | null>;
  /** Error statuses beyond the ones every route gets (400 with input, 401/403 when secured, 404 with path parameters). */
  errors?: number[];
  /** An example request body (shown by the docs, checked against the body schema by the tests). */
  requestExample?: unknown;
  /** Set when the request body may be left out entirely. */
  bodyOptional?: boolean;
}

export const ENDPOINT_METADATA = 'millrace:openapi-endpoint';
export const API_TAG_METADATA = 'millrace:openapi-tag';

/** Document a route: summary, answers and examples. Without it the OpenAPI build refuses the route. */
export const Endpoint = (options: EndpointOptions): MethodDecorator => SetMetadata(ENDPOINT_METADATA, options);

/** The OpenAPI tag (group) of a controller's routes. */
export const ApiTag = (tag: string): ClassDecorator => SetMetadata(API_TAG_METADATA, tag);
