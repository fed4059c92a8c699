import type { RawLine } from '@millrace/log-schema';

type Params = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * What the HTTP layer already extracted from the request. Shapes match Fastify's
 * `request.query`, `request.headers` (lower-case names) and `request.params`, so they can be
 * passed straight through. Each decoder documents the keys it reads.
 */
export interface DecodeContext {
  /** Media type of the body; when absent the `content-type` header is used. Parameters are ignored. */
  contentType?: string;
  /** Query string parameters; repeated parameters may be arrays. */
  query?: Params;
  /** Request headers with lower-case names. */
  headers?: Params;
  /** Path parameters, e.g. `index` of `POST /{index}/_bulk`. */
  params?: Params;
  /** Arrival time, epoch ms (default: now). Used for clock-drift correction and syslog years. */
  receivedAt?: number;
}

export interface Rejection {
  /** 0-based position of the item in the request, in the protocol's own unit (array element, frame, line...). */
  index: number;
  reason: string;
}

export interface DecodeResult {
  lines: RawLine[];
  rejected: Rejection[];
  /** Lines whose text was cut to `LIMITS.maxLineBytes`. */
  truncated: number;
  /** Meta fields dropped: over `maxFields`, over the meta byte budget, or unusable keys (a dropped object counts as one). */
  fieldsDropped: number;
  /** Meta values cut: strings over `maxValueLength`, keys over `maxKeyLength`, objects stringified at `maxDepth`. */
  valuesCut: number;
}

export type Decoder<R extends DecodeResult = DecodeResult> = (body: Buffer, ctx: DecodeContext) => R;

function first(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}

export function queryParam(ctx: DecodeContext, name: string): string | undefined {
  const value = first(ctx.query?.[name]);
  return value === '' ? undefined : value;
}

export function header(ctx: DecodeContext, name: string): string | undefined {
  const value = first(ctx.headers?.[name]);
  return value === '' ? undefined : value;
}

export function pathParam(ctx: DecodeContext, name: string): string | undefined {
  const value = first(ctx.params?.[name]);
  return value === '' ? undefined : value;
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(ctx: DecodeContext): string | undefined {
  const raw = ctx.contentType ?? header(ctx, 'content-type');
  if (!raw) return undefined;
  const semi = raw.indexOf(';');
  return (semi < 0 ? raw : raw.slice(0, semi)).trim().toLowerCase() || undefined;
}

/** All values of a comma-separated (and possibly repeated) query parameter. */
export function queryList(ctx: DecodeContext, name: string): string[] {
  const value = ctx.query?.[name];
  if (value === undefined) return [];
  const joined = typeof value === 'string' ? value : value.join(',');
  return joined.split(',');
}
