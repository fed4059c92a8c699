import Mustache from 'mustache';

/**
 * Notification templates: Mustache, which is logic-less — tags only look values up in the
 * context (plain data, no functions), so a tenant's template can never run code. Sections
 * (`{{#samples}}…{{/samples}}`, `{{#firing}}…{{/firing}}`) iterate or test; `{{^x}}` inverts.
 * Values are escaped for where the text goes: JSON strings, Slack mrkdwn, or nothing (e-mail
 * text). `{{{x}}}` skips the escaping.
 */
// Parsed templates are not cached process-wide: tenants' templates would accumulate forever.
(Mustache as unknown as { templateCache: unknown }).templateCache = undefined;

export interface SampleLine {
  ts: string;
  app: string;
  host: string;
  level?: string;
  message: string;
}

/** Everything a template can use. */
export interface NotificationContext {
  event: 'firing' | 'resolved';
  firing: boolean;
  resolved: boolean;
  /** FIRING or RESOLVED. */
  status: string;
  alert: { id: string; name: string; kind: string; query: string };
  tenant: string;
  groupBy?: string;
  /** The group's value when the alert groups. */
  group?: string;
  count?: number;
  /** presence/absence: the count N; threshold: the value compared with. */
  threshold: number;
  comparator?: string;
  aggregation?: string;
  field?: string;
  /** threshold alerts: the measured value. */
  value?: number | null;
  window: { seconds: number; human: string; start: string; end: string };
  at: string;
  summary: string;
  samples: SampleLine[];
  link: string;
  notificationId: string;
}

export type Escaping = 'json' | 'slack' | 'none';

// Mustache hands numbers over as numbers: make everything text first.
const ESCAPES: Record<Escaping, (value: unknown) => string> = {
  json: (value) => JSON.stringify(String(value)).slice(1, -1),
  slack: (value) => String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  none: (value) => String(value),
};

export const MAX_TEMPLATE_LENGTH = 8192;

/** Throws with the position of the problem when a template does not parse. */
export function checkTemplate(template: string): void {
  if (template.length > MAX_TEMPLATE_LENGTH) throw new Error(`a template may have at most ${MAX_TEMPLATE_LENGTH} characters`);
  Mustache.parse(template);
}

export function render(template: string, context: NotificationContext, escaping: Escaping): string {
  return Mustache.render(template, context, undefined, { escape: ESCAPES[escaping] as (value: string) => string });
}

export function humanDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export const DEFAULT_TEMPLATES = {
  slack:
    '{{#firing}}:rotating_light: *{{alert.name}}* is firing{{/firing}}{{#resolved}}:white_check_mark: *{{alert.name}}* resolved{{/resolved}}' +
    '{{#group}} ({{groupBy}}: {{group}}){{/group}}\n{{summary}}\n{{#samples}}> {{message}}\n{{/samples}}<{{link}}|Open the search>',
  pagerdutySummary: '{{alert.name}}{{#group}} [{{groupBy}}: {{group}}]{{/group}}: {{summary}}',
  emailSubject: '[{{status}}] {{alert.name}}{{#group}} ({{groupBy}}: {{group}}){{/group}}',
  emailBody:
    '{{alert.name}} is {{#firing}}firing{{/firing}}{{#resolved}}resolved{{/resolved}}.\n\n{{summary}}\n' +
    '{{#group}}{{groupBy}}: {{group}}\n{{/group}}Window: {{window.start}} to {{window.end}} ({{window.human}})\nQuery: {{alert.query}}\n\n' +
    '{{#samples.length}}Matching lines:\n{{/samples.length}}{{#samples}}  {{ts}} {{app}} {{host}} {{message}}\n{{/samples}}\nSearch: {{link}}\n',
} as const;

/** The default webhook body: the context itself as JSON. */
export function defaultWebhookBody(context: NotificationContext): string {
  return JSON.stringify(context);
}
