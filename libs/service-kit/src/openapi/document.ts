import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { z, ZodEffects, ZodObject, ZodType, type ZodTypeAny } from 'zod';
import { HEADERS_SCHEMA_METADATA, ZodValidationPipe, type InputLocation } from '../validation';
import { API_TAG_METADATA, ENDPOINT_METADATA, type EndpointOptions, type ResponseSpec } from './endpoint';
import { errorBodySchema } from './schemas';

/** The security of one operation: alternatives (any one suffices), each naming schemes. */
export interface OperationSecurity {
  requirements: Array<Record<string, string[]>>;
  /** Said in the operation's description (roles, scopes). */
  note?: string;
  /** `x-…` fields for tools (required scopes, roles). */
  extensions?: Record<string, unknown>;
}

/** A route served outside Nest's router (e.g. a WebSocket upgrade on the Fastify instance). */
export interface ManualRoute {
  method: HttpVerb;
  /** OpenAPI form: `/v1/things/{id}`. */
  path: string;
  tag: string;
  endpoint: EndpointOptions & { operationId: string };
  query?: ZodTypeAny;
  headers?: ZodTypeAny;
  params?: ZodTypeAny;
  body?: ZodTypeAny;
  security: OperationSecurity | null;
}

export interface OpenApiOptions {
  title: string;
  description: string;
  version?: string;
  tags: Array<{ name: string; description: string }>;
  securitySchemes: Record<string, Record<string, unknown>>;
  /** Reads a route's credential requirement (method first, then class); null = public. */
  security: (handler: object, controller: Type<unknown>) => OperationSecurity | null;
  extraRoutes?: ManualRoute[];
}

type HttpVerb = 'get' | 'post' | 'put' | 'patch' | 'delete';

const VERBS: Partial<Record<RequestMethod, HttpVerb>> = {
  [RequestMethod.GET]: 'get', [RequestMethod.POST]: 'post', [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch', [RequestMethod.DELETE]: 'delete',
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Refused input: `details` names every invalid field (code validation_failed), or a value of the right shape that is still wrong (code invalid_value)',
  401: 'No credential, or one that is not valid',
  403: 'The credential is valid but may not do this (kind, role or scope)',
  404: 'Not found (or belongs to another organisation)',
  409: 'Conflicts with the current state',
  413: 'The body is too large',
  415: 'Unsupported content type',
  422: 'Understood but cannot be processed',
  429: 'Too many requests or over quota; see Retry-After',
  503: 'A dependency is unavailable; retry (see Retry-After)',
};

/** A route as Nest will serve it, with everything the document needs. */
export interface DiscoveredRoute {
  method: HttpVerb;
  /** OpenAPI form. */
  path: string;
  controller: Type<unknown>;
  handlerName: string;
}

type ModuleLike = Type<unknown> | { module: Type<unknown>; imports?: unknown[]; controllers?: Type<unknown>[] };

/** Every controller reachable from a root module (static metadata and dynamic modules alike), without instantiating anything. */
export function controllersOf(root: unknown): Type<unknown>[] {
  const seen = new Set<unknown>();
  const controllers: Type<unknown>[] = [];
  const visit = (entry: unknown): void => {
    if (!entry || seen.has(entry)) return;
    if (typeof entry === 'object' && typeof (entry as { forwardRef?: () => unknown }).forwardRef === 'function') {
      visit((entry as { forwardRef: () => unknown }).forwardRef());
      return;
    }
    seen.add(entry);
    const dynamic = typeof entry === 'object' && 'module' in (entry as object) ? (entry as Exclude<ModuleLike, Type<unknown>>) : undefined;
    const type = (dynamic?.module ?? entry) as Type<unknown>;
    if (typeof type !== 'function') return;
    const own = [...((Reflect.getMetadata('controllers', type) as Type<unknown>[] | undefined) ?? []), ...(dynamic?.controllers ?? [])];
    for (const c of own) if (!controllers.includes(c)) controllers.push(c);
    for (const i of [...((Reflect.getMetadata('imports', type) as unknown[] | undefined) ?? []), ...(dynamic?.imports ?? [])]) visit(i);
    if (dynamic) seen.add(type);
  };
  visit(root);
  return controllers;
}

function joinPath(base: string, sub: string): string {
  const joined = `/${[base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function asList(value: unknown): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Every HTTP route of the controllers, as Nest registers them. */
export function routesOf(controllers: Type<unknown>[]): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  for (const controller of controllers) {
    const bases = asList(Reflect.getMetadata(PATH_METADATA, controller));
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (verb === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const method = VERBS[verb];
      if (!method) continue;
      for (const base of bases) {
        for (const sub of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
          routes.push({ method, path: joinPath(base, sub), controller, handlerName: name });
        }
      }
    }
  }
  return routes;
}

export interface RouteInputs {
  body?: ZodTypeAny;
  query?: ZodTypeAny;
  params?: ZodTypeAny;
  headers?: ZodTypeAny;
  usesResponse: boolean;
  problems: string[];
}

const LOCATION_OF: Partial<Record<number, InputLocation>> = {
  [RouteParamtypes.BODY]: 'body', [RouteParamtypes.QUERY]: 'query', [RouteParamtypes.PARAM]: 'path', [RouteParamtypes.HEADERS]: 'header',
};


/** The schemas of a handler's validation pipes; any body, query, path or header read without one is a problem. */
export function inputsOf(route: DiscoveredRoute): RouteInputs {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ?? {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
  const inputs: RouteInputs = { usesResponse: false, problems: [] };
  const headers = Reflect.getMetadata(HEADERS_SCHEMA_METADATA, route.controller, route.handlerName) as ZodTypeAny | undefined;
  if (headers) inputs.headers = headers;
  const keyOf = { body: 'body', query: 'query', path: 'params', header: 'headers' } as const;
  for (const [key, arg] of Object.entries(args)) {
    const type = Number(key.split(':')[0]);
    if (type === RouteParamtypes.RESPONSE) inputs.usesResponse = true;
    const location = LOCATION_OF[type];
    if (!location) continue;
    const pipe = (arg.pipes ?? []).find((p): p is ZodValidationPipe => p instanceof ZodValidationPipe);
    if (!pipe) {
      inputs.problems.push(`reads the ${location}${arg.data ? ` "${String(arg.data)}"` : ''} without a ZodValidationPipe (ValidBody/ValidQuery/ValidParams/ValidHeaders)`);
      continue;
    }
    const schema = typeof arg.data === 'string' ? z.object({ [arg.data]: pipe.schema }) : pipe.schema;
    if (inputs[keyOf[location]]) inputs.problems.push(`has two ${location} schemas`);
    inputs[keyOf[location]] = schema;
  }
  return inputs;
}

function objectKeys(schema: ZodTypeAny | undefined): string[] {
  let s: ZodTypeAny | undefined = schema;
  while (s instanceof ZodEffects) s = s.innerType();
  return s instanceof ZodObject ? Object.keys(s.shape as object) : [];
}

function isObjectLike(schema: ZodTypeAny): boolean {
  let s: ZodTypeAny = schema;
  while (s instanceof ZodEffects) s = s.innerType();
  return s instanceof ZodObject;
}

const ERROR_NAMES: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType', 422: 'Unprocessable', 429: 'TooManyRequests', 503: 'Unavailable',
};

/** Error answers are shared components (`#/components/responses/NotFound`), all with the one error body. */
function errorResponse(registry: OpenAPIRegistry, registered: Set<number>, status: number): { $ref: string } {
  const name = ERROR_NAMES[status] ?? `Http${status}`;
  if (!registered.has(status)) {
    registry.registerComponent('responses', name, {
      description: ERROR_TEXT[status] ?? `HTTP ${status}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    registered.add(status);
  }
  return { $ref: `#/components/responses/${name}` };
}

function successResponse(spec: ZodTypeAny | ResponseSpec | null, status: number): ResponseConfig {
  if (spec === null) return { description: status === 204 ? 'Done; no body' : 'No body' };
  if (spec instanceof ZodType) return { description: 'OK', content: { 'application/json': { schema: spec } } };
  const r = spec;
  const content: NonNullable<ResponseConfig['content']> = {};
  if (r.schema) content['application/json'] = { schema: r.schema, ...(r.example !== undefined ? { example: r.example } : {}) };
  for (const [type, media] of Object.entries(r.content ?? {})) content[type] = { schema: media.schema, ...(media.example !== undefined ? { example: media.example } : {}) };
  return { description: r.description, ...(Object.keys(content).length ? { content } : {}) };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

interface Operation {
  method: HttpVerb;
  path: string;
  tag: string;
  endpoint: EndpointOptions;
  operationId: string;
  inputs: Omit<RouteInputs, 'problems' | 'usesResponse'>;
  security: OperationSecurity | null;
}

function register(registry: OpenAPIRegistry, errorsRegistered: Set<number>, op: Operation): void {
  const { endpoint, inputs, security } = op;
  const responses: RouteConfig['responses'] = {};
  for (const [status, spec] of Object.entries(endpoint.responses)) responses[status] = successResponse(spec, Number(status));
  const errors = new Set<number>(endpoint.errors ?? []);
  if (inputs.body || inputs.query || inputs.params || inputs.headers) errors.add(400);
  if (security) [401, 403].forEach((s) => errors.add(s));
  if (/\{[^}]+\}/.test(op.path)) errors.add(404);
  for (const status of [...errors].sort()) responses[String(status)] = errorResponse(registry, errorsRegistered, status);
  const description = [endpoint.description, security ? security.note : 'Public: no credential needed.'].filter(Boolean).join('\n\n');
  const route: RouteConfig = {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    tags: [op.tag],
    summary: endpoint.summary,
    ...(description ? { description } : {}),
    security: security ? security.requirements : [],
    ...(security?.extensions ?? {}),
    request: {
      ...(inputs.params ? { params: inputs.params as never } : {}),
      ...(inputs.query ? { query: inputs.query as never } : {}),
      ...(inputs.headers ? { headers: inputs.headers as never } : {}),
      ...(inputs.body ? {
        body: {
          required: !endpoint.bodyOptional,
          content: { 'application/json': { schema: inputs.body, ...(endpoint.requestExample !== undefined ? { example: endpoint.requestExample } : {}) } },
        },
      } : {}),
    },
    responses,
  };
  registry.registerPath(route);
}

export interface BuiltDocument {
  document: Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };
  /** Routes that cannot be documented faithfully (no Endpoint, input read without a pipe, …). */
  problems: string[];
}

/**
 * The OpenAPI 3.0 document of a Nest application, built from its modules' metadata without
 * starting anything: routes from the controllers, request schemas from their validation pipes,
 * answers from @Endpoint, security from each route's credential requirement.
 */
export function describeApplication(rootModule: unknown, options: OpenApiOptions): BuiltDocument {
  const registry = new OpenAPIRegistry();
  const problems: string[] = [];
  for (const [name, scheme] of Object.entries(options.securitySchemes)) registry.registerComponent('securitySchemes', name, scheme as never);
  const operationIds = new Set<string>();
  const operations: Operation[] = [];
  for (const route of routesOf(controllersOf(rootModule))) {
    const where = `${route.method.toUpperCase()} ${route.path} (${route.controller.name}.${route.handlerName})`;
    const handler = (route.controller.prototype as Record<string, object>)[route.handlerName];
    const endpoint = Reflect.getMetadata(ENDPOINT_METADATA, handler) as EndpointOptions | undefined;
    const tag = Reflect.getMetadata(API_TAG_METADATA, route.controller) as string | undefined;
    const { problems: inputProblems, usesResponse, ...inputs } = inputsOf(route);
    problems.push(...inputProblems.map((p) => `${where} ${p}`));
    if (!endpoint) {
      problems.push(`${where} has no @Endpoint (summary and response schemas)`);
      continue;
    }
    if (!tag) problems.push(`${where}: its controller has no @ApiTag`);
    const declared = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
    const expected = declared ?? (route.method === 'post' ? 201 : 200);
    if (!usesResponse && !(expected in endpoint.responses)) problems.push(`${where} answers ${expected} but @Endpoint documents ${Object.keys(endpoint.responses).join(', ')}`);
    for (const [status, spec] of Object.entries(endpoint.responses)) {
      const hasBody = spec === null || spec instanceof ZodType || !!(spec.schema || spec.content);
      if (Number(status) !== 204 && (spec === null || !hasBody)) problems.push(`${where} documents ${status} without a body schema`);
    }
    const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const documented = objectKeys(inputs.params);
    for (const p of pathParams) if (!documented.includes(p)) problems.push(`${where}: path parameter ${p} has no schema (ValidParams)`);
    for (const [location, schema] of [['query', inputs.query], ['path', inputs.params], ['header', inputs.headers]] as const) {
      if (schema && !isObjectLike(schema)) problems.push(`${where}: the ${location} schema must be a z.object`);
    }
    operations.push({
      method: route.method, path: route.path, tag: tag ?? 'untagged', endpoint, inputs,
      operationId: endpoint.operationId ?? `${lowerFirst(route.controller.name.replace(/Controller$/, ''))}${route.handlerName.charAt(0).toUpperCase()}${route.handlerName.slice(1)}`,
      security: options.security(handler, route.controller),
    });
  }
  for (const manual of options.extraRoutes ?? []) {
    operations.push({
      method: manual.method, path: manual.path, tag: manual.tag, endpoint: manual.endpoint, operationId: manual.endpoint.operationId,
      inputs: { body: manual.body, query: manual.query, params: manual.params, headers: manual.headers }, security: manual.security,
    });
  }
  const seenRoutes = new Set<string>();
  const errorsRegistered = new Set<number>();
  registry.register('Error', errorBodySchema);
  for (const op of operations) {
    if (operationIds.has(op.operationId)) problems.push(`operationId ${op.operationId} is used twice`);
    operationIds.add(op.operationId);
    const key = `${op.method} ${op.path}`;
    if (seenRoutes.has(key)) problems.push(`${key} is declared twice`);
    seenRoutes.add(key);
    if (!options.tags.some((t) => t.name === op.tag)) problems.push(`${key}: tag ${op.tag} is not described`);
    register(registry, errorsRegistered, op);
  }
  const generated = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: options.title, description: options.description, version: options.version ?? '0.1.0' },
    tags: [...options.tags].filter((t) => operations.some((o) => o.tag === t.name)),
  });
  const document = sortPaths(withoutUntypedNullable(generated) as BuiltDocument['document']);
  return { document, problems };
}

/**
 * `z.unknown()` comes out as `{nullable: true}`, which OpenAPI 3.0 does not allow without a
 * type: any value is simply `{}`.
 */
function withoutUntypedNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutUntypedNullable);
  if (!node || typeof node !== 'object') return node;
  const source = { ...(node as Record<string, unknown>) };
  // `z.union([a, b, z.null()])` comes out as anyOf [a, b, {nullable: true}]: null goes onto the alternatives.
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alternatives = source[key];
    if (!Array.isArray(alternatives)) continue;
    const isNull = (a: unknown) => !!a && typeof a === 'object' && (a as Record<string, unknown>).nullable === true && Object.keys(a as object).length === 1;
    if (!alternatives.some(isNull)) continue;
    source[key] = alternatives.filter((a) => !isNull(a)).map((a) => (a && typeof a === 'object' && 'type' in (a as object) ? { ...(a as object), nullable: true } : a));
  }
  const untyped = source.nullable === true && !('type' in source) && !('$ref' in source) && !('anyOf' in source) && !('oneOf' in source) && !('allOf' in source);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' && (untyped || value === false)) continue;
    out[key] = key === 'example' || key === 'examples' ? value : withoutUntypedNullable(value);
  }
  return out;
}

/** Paths in a stable order, so the document in the repository diffs cleanly. */
function sortPaths(document: BuiltDocument['document']): BuiltDocument['document'] {
  const paths: BuiltDocument['document']['paths'] = {};
  for (const key of Object.keys(document.paths).sort()) paths[key] = document.paths[key];
  const components = document.components as { schemas?: Record<string, unknown> } | undefined;
  if (components?.schemas) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(components.schemas).sort()) sorted[key] = components.schemas[key];
    components.schemas = sorted;
  }
  return { ...document, paths };
}

/** Build the document or throw, listing every route that could not be documented faithfully. */
export function buildOpenApiDocument(rootModule: unknown, options: OpenApiOptions): BuiltDocument['document'] {
  const { document, problems } = describeApplication(rootModule, options);
  if (problems.length > 0) throw new Error(`the OpenAPI document of ${options.title} is incomplete:\n  ${problems.join('\n  ')}`);
  return document;
}

/**
 * How the routes a started service serves (`routesServedBy`) and its document disagree: routes
 * served but not documented, documented but not served, and operations without a typed answer.
 * The docs' own routes (`/docs…`) are left out.
 */
export function routeDrift(served: string[], document: BuiltDocument['document']): { undocumented: string[]; notServed: string[]; untyped: string[] } {
  const own = served.filter((r) => !/^get \/docs(\/|$)/.test(r));
  const documented: string[] = [];
  const untyped: string[] = [];
  for (const [p, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, { responses: Record<string, { content?: object }> }>)) {
      documented.push(`${method} ${p}`);
      const success = Object.entries(op.responses).filter(([status]) => /^[12]/.test(status));
      if (success.length === 0 || success.some(([status, answer]) => status !== '204' && !answer.content)) untyped.push(`${method} ${p}`);
    }
  }
  return {
    undocumented: own.filter((r) => !documented.includes(r)),
    notServed: documented.filter((r) => !own.includes(r)),
    untyped,
  };
}
