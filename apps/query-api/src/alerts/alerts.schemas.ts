import { z } from 'zod';
import { named, uuidSchema } from '@millrace/service-kit';
import { queryInt, timeBoundSchema } from '../search/params.schemas';
import { alertInputSchema } from './alert-schema';

export const alertRequestSchema = named('AlertRequest', alertInputSchema, {
  example: {
    name: 'checkout errors', kind: 'presence', query: 'app:checkout level:error', count: 5, windowSeconds: 60, trigger: 'immediate',
    groupBy: 'host', throttleSeconds: 300, channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' }],
  },
});

export const alertPatchSchema = named('AlertPatch', z.object({}).passthrough()
  .describe('any fields of AlertRequest to change (null removes a setting); the alert as changed is validated whole. '
    + 'Channels sent with their id keep the secrets left out.'));

export const alertIdParamsSchema = z.object({ id: uuidSchema }).strict();

export const dryRunRangeQuerySchema = z.object({
  from: timeBoundSchema.optional().describe('start of the range looked at (default -1h)'),
  to: timeBoundSchema.optional().describe('end of the range (default now)'),
}).strict();

export const historyQuerySchema = z.object({ limit: queryInt(1, 1000, 'entries (default 100)') }).strict();

export const muteBodySchema = named('MuteRequest', z.object({
  until: z.union([timeBoundSchema, z.number().int().min(0)]).optional().describe('notify nobody until this time'),
  minutes: z.number().positive().max(525_600).optional().describe('or for this many minutes'),
}).strict(), { example: { minutes: 60 } });

export const alertViewSchema = named('Alert', z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['presence', 'absence', 'threshold']),
  query: z.string(),
  enabled: z.boolean(),
  mutedUntil: z.string().nullable(),
  muted: z.boolean(),
  channels: z.array(z.object({ id: z.string(), type: z.enum(['webhook', 'slack', 'pagerduty', 'email']) }).passthrough())
    .describe('as sent, with secrets replaced by urlRedacted, hasSecret, routingKeySet, passwordSet'),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).passthrough().describe('the alert with its settings (count, windowSeconds, groupBy, …, as in AlertRequest)'));

export const alertListSchema = named('AlertList', z.object({ alerts: z.array(alertViewSchema) }));

// TODO(contracts): the alerter's reply shapes (test, history) move to libs/contracts; name those here instead.
export const alertTestResultSchema = named('AlertDryRun', z.object({}).passthrough()
  .describe('what the alerter found: would it have fired over the range, when, for which groups, with sample lines'));

export const alertHistorySchema = named('AlertHistory', z.object({
  alert: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
}).passthrough().describe('current state per group, evaluations that fired or resolved, every notification with its outcome (newest first)'));
