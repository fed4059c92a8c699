import { createHash, randomBytes } from 'node:crypto';
import Mustache from 'mustache';
import { z } from 'zod';
import { nonBlank } from '@millrace/service-kit';
import { describeQueryError, parseQuery, QuerySyntaxError } from '@millrace/query-language';

/**
 * What tenants send to `/v1/alerts`, validated here once; the alerter receives the stored
 * result on the `alerts` configuration feed. Secrets in channels are kept, never shown.
 */
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MAX_TEMPLATE = 8192;
const DAY_SECONDS = 86_400;

const template = z.string().max(MAX_TEMPLATE).superRefine((text, ctx) => {
  try {
    Mustache.parse(text);
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `template does not parse: ${(error as Error).message}` });
  }
});

const httpUrl = z.string().max(2048).url().refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// URL' });
const email = z.string().max(254).regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an e-mail address');
const fieldName = z.string().min(1).max(200).regex(/^[A-Za-z0-9_@][A-Za-z0-9_.@-]*$/, 'must be a field name such as app, host or http.status');
const channelId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)');

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const timeRange = z.object({ days: z.array(z.enum(WEEKDAYS)).max(7).optional(), from: hhmm, to: hhmm }).strict();
const schedule = z.object({
  timezone: z.string().default('UTC').refine(validTimeZone, { message: 'is not an IANA time zone (e.g. Europe/Paris)' }),
  active: z.array(timeRange).max(20).optional(),
  quiet: z.array(timeRange).max(20).optional(),
}).strict();

const channel = z.discriminatedUnion('type', [
  z.object({
    id: channelId.optional(), type: z.literal('webhook'), url: httpUrl,
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(2048)).default({})
      .refine((h) => Object.keys(h).length <= 20, { message: 'at most 20 headers' }),
    contentType: z.string().max(100).default('application/json'),
    bodyTemplate: template.optional(),
    secret: z.string().min(8).max(256).optional(),
  }).strict(),
  z.object({ id: channelId.optional(), type: z.literal('slack'), url: httpUrl, template: template.optional() }).strict(),
  z.object({
    id: channelId.optional(), type: z.literal('pagerduty'), routingKey: z.string().min(1).max(128),
    severity: z.enum(['critical', 'error', 'warning', 'info']).default('error'),
    summaryTemplate: template.optional(),
  }).strict(),
  z.object({
    id: channelId.optional(), type: z.literal('email'), to: z.array(email).min(1).max(50),
    from: z.string().max(320).optional(),
    subjectTemplate: template.optional(),
    bodyTemplate: template.optional(),
    smtp: z.object({
      host: z.string().min(1).max(253), port: z.number().int().min(1).max(65535).optional(),
      secure: z.boolean().default(false), requireTLS: z.boolean().default(true),
      username: z.string().max(256).optional(), password: z.string().max(1024).optional(),
      ca: z.string().max(65536).optional(),
    }).strict().optional(),
  }).strict(),
]);
export type ChannelInput = z.input<typeof channel>;
export type StoredChannel = z.output<typeof channel> & { id: string };

const query = z.string().max(4096).default('').superRefine((text, ctx) => {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) ctx.addIssue({ code: z.ZodIssueCode.custom, message: describeQueryError(error, text) });
    else throw error;
  }
});

const common = {
  name: nonBlank(200),
  query,
  enabled: z.boolean().default(true),
  groupBy: fieldName.optional(),
  maxGroups: z.number().int().min(1).max(1000).default(100),
  throttleSeconds: z.number().int().min(0).max(7 * DAY_SECONDS).default(0),
  notifyOnResolve: z.boolean().default(true),
  schedule: schedule.optional(),
  /** ISO 8601 or epoch ms; null unmutes. */
  mutedUntil: z.union([z.string().datetime({ offset: true }), z.number().int().nonnegative(), z.null()]).optional(),
  channels: z.array(channel).max(10).default([]),
};

export const alertInputSchema = z.discriminatedUnion('kind', [
  z.object({
    ...common, kind: z.literal('presence'),
    count: z.number().int().min(1).max(1_000_000).default(1),
    windowSeconds: z.number().int().min(1).max(DAY_SECONDS),
    trigger: z.enum(['immediate', 'window_end']).default('immediate'),
  }).strict(),
  z.object({
    ...common, kind: z.literal('absence'),
    count: z.number().int().min(1).max(1_000_000).default(1),
    windowSeconds: z.number().int().min(1).max(DAY_SECONDS),
  }).strict(),
  z.object({
    ...common, kind: z.literal('threshold'),
    aggregation: z.enum(['count', 'avg', 'min', 'max', 'sum', 'p50', 'p90', 'p95', 'p99']),
    field: fieldName.optional(),
    comparator: z.enum(['>', '>=', '<', '<=']),
    value: z.number().finite(),
    windowSeconds: z.number().int().min(1).max(DAY_SECONDS),
    everySeconds: z.number().int().min(1).max(DAY_SECONDS).default(60),
  }).strict(),
]).superRefine((a, ctx) => {
  if (a.kind === 'threshold' && a.aggregation !== 'count' && !a.field) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is required for every aggregation but count', path: ['field'] });
  }
});
export type AlertInput = z.output<typeof alertInputSchema>;

/** Fields that are not settings (they have their own columns). */
const COLUMNS = ['name', 'kind', 'query', 'enabled', 'mutedUntil', 'channels'] as const;

export interface NormalisedAlert {
  name: string;
  kind: AlertInput['kind'];
  query: string;
  enabled: boolean;
  mutedUntil: Date | null | undefined;
  settings: Record<string, unknown>;
  channels: StoredChannel[];
}

/** Split validated input into columns and settings; give every channel an id. */
export function normalise(input: AlertInput): NormalisedAlert {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!(COLUMNS as readonly string[]).includes(key) && value !== undefined) settings[key] = value;
  const used = new Set(input.channels.map((c) => c.id).filter(Boolean));
  const channels = input.channels.map((c) => {
    let id = c.id;
    while (!id || (used.has(id) && id !== c.id)) id = randomBytes(4).toString('hex');
    used.add(id);
    return { ...c, id } as StoredChannel;
  });
  const ids = channels.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw Object.assign(new Error('channel ids must be unique within an alert'), { status: 400 });
  return {
    name: input.name, kind: input.kind, query: input.query, enabled: input.enabled, settings, channels,
    mutedUntil: input.mutedUntil === undefined ? undefined : input.mutedUntil === null ? null : new Date(input.mutedUntil),
  };
}

/**
 * On update, a channel that keeps its id (and type) keeps the secrets the request leaves out,
 * so clients can send back what they read (where secrets are redacted) plus their changes.
 */
export function inheritSecrets(incoming: unknown, existing: StoredChannel[]): unknown {
  if (!Array.isArray(incoming)) return incoming;
  return incoming.map((raw) => {
    if (!raw || typeof raw !== 'object') return raw;
    const c = { ...(raw as Record<string, unknown>) };
    const old = existing.find((e) => e.id === c.id && e.type === c.type);
    if (!old) return c;
    for (const key of ['urlRedacted', 'hasSecret', 'routingKeySet', 'headerNames']) delete c[key];
    if (old.type === 'webhook' || old.type === 'slack') c.url ??= old.url;
    if (old.type === 'webhook') {
      c.secret ??= old.secret;
      if (c.headers === undefined) c.headers = old.headers;
      else if (c.headers && typeof c.headers === 'object') {
        // A header sent back redacted keeps its stored value.
        const headers = { ...(c.headers as Record<string, string>) };
        for (const [k, v] of Object.entries(headers)) if (v === REDACTED && old.headers[k] !== undefined) headers[k] = old.headers[k];
        c.headers = headers;
      }
    }
    if (old.type === 'pagerduty') c.routingKey ??= old.routingKey;
    if (old.type === 'email' && old.smtp && c.smtp && typeof c.smtp === 'object') {
      const smtp = { ...(c.smtp as Record<string, unknown>) };
      delete smtp.passwordSet;
      if (smtp.host === old.smtp.host && smtp.username === old.smtp.username) smtp.password ??= old.smtp.password;
      c.smtp = smtp;
    }
    return c;
  });
}

export const REDACTED = '[redacted]';

/** Scheme and host only: the path and query of webhook URLs usually hold the token. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return REDACTED;
  }
}

/** A channel as the API shows it: everything but its secrets. */
export function redactChannel(c: StoredChannel): Record<string, unknown> {
  switch (c.type) {
    case 'webhook': {
      const { url, secret, headers, ...rest } = c;
      return { ...rest, urlRedacted: redactUrl(url), headers: Object.fromEntries(Object.keys(headers).map((k) => [k, REDACTED])), hasSecret: !!secret };
    }
    case 'slack': {
      const { url, ...rest } = c;
      return { ...rest, urlRedacted: redactUrl(url) };
    }
    case 'pagerduty': {
      const { routingKey: _key, ...rest } = c;
      return { ...rest, routingKeySet: true };
    }
    case 'email': {
      if (!c.smtp) return { ...c };
      const { password, ...smtp } = c.smtp;
      return { ...c, smtp: { ...smtp, passwordSet: !!password } };
    }
  }
}

/** The parameters that decide what is counted; window state restarts when they change. */
const RULE_FIELDS = ['kind', 'query', 'count', 'windowSeconds', 'trigger', 'aggregation', 'field', 'comparator', 'value', 'groupBy', 'maxGroups'];

export function ruleVersion(alert: { kind: string; query: string; settings: Record<string, unknown> }): number {
  const all: Record<string, unknown> = { ...alert.settings, kind: alert.kind, query: alert.query };
  const rule = RULE_FIELDS.map((k) => [k, all[k] ?? null]);
  return createHash('sha256').update(JSON.stringify(rule)).digest().readInt32BE(0);
}
