import { z } from 'zod';
import { named, uuidSchema, nonBlank } from '@millrace/service-kit';

export const drainSchema = named('DrainRequest', z.object({
  name: nonBlank(200),
  url: z.string().min(1).max(2048).describe('http(s)://…, syslog+tcp://host:port or syslog+tls://host:port; credentials in it are kept secret'),
  format: z.enum(['logplex', 'json']).optional().describe('HTTP drains only (default logplex)'),
  query: z.string().max(4096).optional().describe('only lines matching this query are drained'),
  enabled: z.boolean().optional(),
}).strict(), { example: { name: 'papertrail', url: 'syslog+tls://logs.example.com:6514', query: 'level:error' } });
export const drainPatchSchema = named('DrainPatch', drainSchema.partial());

export const drainIdParamsSchema = z.object({ id: uuidSchema }).strict();

export const drainOutputSchema = named('Drain', z.object({
  id: z.string(),
  name: z.string(),
  url: z.string().describe('credentials (user info, query values) masked'),
  transport: z.string(),
  format: z.enum(['logplex', 'json']).nullable(),
  query: z.string(),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.object({
    delivered: z.number(),
    failed: z.number(),
    dropped: z.number(),
    buffered: z.number(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
  }).nullable().optional().describe('delivery status from the broker-router; null when it cannot be asked right now'),
}));
