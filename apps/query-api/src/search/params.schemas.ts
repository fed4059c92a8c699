import { z } from 'zod';
import { logEventSchema } from '@millrace/log-schema';
import { documented, namedV4, type SchemaMeta } from '@millrace/service-kit';

/** An optional query-string integer within bounds (`?limit=` counts as absent: the pipe drops empty values). */
export function queryInt(min: number, max: number, description: string) {
  // Coercion would let zod-to-openapi call it nullable; a query string has no null.
  return documented(z.coerce.number().int().min(min).max(max), { nullable: false } as SchemaMeta).optional().describe(description);
}

/** A time bound as people write it; read by parseTimeBound (a 400 naming it when it is no time). */
export const timeBoundSchema = documented(z.string().min(1).max(64), {
  description: 'now, -15m, now-1h, epoch seconds or milliseconds, or ISO 8601 (no zone = UTC)',
  example: '-1h',
});

export const logQuerySchema = documented(z.string().max(4096), {
  description: 'the query language, e.g. `app:web level:error timeout`; empty = everything',
  example: 'app:checkout level:error',
});

export const orderSchema = z.enum(['desc', 'asc']);

export const rangeQuerySchema = z.object({
  q: logQuerySchema.optional(),
  from: timeBoundSchema.optional().describe('start of the range (default SEARCH_DEFAULT_RANGE, -24h)'),
  to: timeBoundSchema.optional().describe('end of the range (default now)'),
});

export const eventSchema = namedV4('LogEvent', logEventSchema, {
  example: {
    id: '01JH2Q8Z6W3N4R5T6Y7U8I9O0P-0', tenant: 'acme', ts: 1736071800000, receivedAt: 1736071800123, app: 'checkout', host: 'web-1',
    level: 'error', message: 'payment failed: timeout after 30s', tags: ['prod'], fields: { status: 502, duration_ms: 30012 }, source: 'http-json',
  },
});
