import { createHash, createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { outboundPolicy, OutboundRefusedError, type OutboundPolicy } from '@millrace/outbound-policy';
import type { Channel, SmtpSettings } from '../definitions/alert-definition';
import { DeliveryError, outboundAgents, send, type OutboundAgents } from './http-client';
import { DEFAULT_TEMPLATES, defaultWebhookBody, render, type NotificationContext } from './templates';

export interface ChannelSettings {
  pagerDutyUrl: string;
  smtpUrl?: string;
  smtpFrom: string;
  timeoutMs: number;
  /** CHANNEL_ALLOW_PRIVATE_NETWORKS: channels may reach non-public addresses (never metadata ones). */
  allowPrivate: boolean;
}

export interface Delivery {
  channel: Channel;
  context: NotificationContext;
  /** The notification's id: the idempotency key of every attempt. */
  id: string;
  attempt: number;
}

const USER_AGENT = 'Millrace-Alerter/1';

/** PagerDuty groups a trigger and its resolve by this key: one per (alert, group). */
export function pagerDutyDedupKey(alertId: string, group: string): string {
  return `millrace-${alertId}${group ? `-${createHash('sha256').update(group).digest('hex').slice(0, 16)}` : ''}`;
}

/**
 * Sends one notification to one channel; throws DeliveryError when it did not arrive. Every
 * HTTP attempt of the same notification carries the same `Idempotency-Key`, so a receiver that
 * honours it sees one notification even when a crash made the alerter send it twice.
 */
export class ChannelSender {
  private readonly policy: OutboundPolicy;
  /** The operator's own SMTP server (SMTP_URL) may be on a private network; metadata addresses stay refused. */
  private readonly operatorPolicy: OutboundPolicy;
  private readonly agents: OutboundAgents;

  constructor(private readonly settings: ChannelSettings) {
    this.policy = outboundPolicy('channels', {}, { allowPrivate: settings.allowPrivate });
    this.operatorPolicy = outboundPolicy('channels', {}, { allowPrivate: true });
    this.agents = outboundAgents(this.policy);
  }

  async deliver(d: Delivery): Promise<string> {
    switch (d.channel.type) {
      case 'webhook': return this.webhook(d, d.channel);
      case 'slack': return this.slack(d, d.channel);
      case 'pagerduty': return this.pagerDuty(d, d.channel);
      case 'email': return this.email(d, d.channel);
    }
  }

  private headers(d: Delivery, contentType: string): Record<string, string> {
    return {
      'content-type': contentType,
      'user-agent': USER_AGENT,
      'idempotency-key': d.id,
      'x-millrace-notification-id': d.id,
      'x-millrace-attempt': String(d.attempt),
      'x-millrace-event': d.context.event,
    };
  }

  private async post(url: string, method: string, headers: Record<string, string>, body: string): Promise<string> {
    const res = await send(url, { method, headers, body, timeoutMs: this.settings.timeoutMs, agents: this.agents });
    return `HTTP ${res.status}`;
  }

  private webhook(d: Delivery, c: Extract<Channel, { type: 'webhook' }>): Promise<string> {
    const json = /json/i.test(c.contentType);
    const body = c.bodyTemplate ? render(c.bodyTemplate, d.context, json ? 'json' : 'none') : defaultWebhookBody(d.context);
    const headers = { ...c.headers, ...this.headers(d, c.contentType) };
    if (c.secret) headers['x-millrace-signature'] = `sha256=${createHmac('sha256', c.secret).update(body).digest('hex')}`;
    return this.post(c.url, c.method, headers, body);
  }

  private slack(d: Delivery, c: Extract<Channel, { type: 'slack' }>): Promise<string> {
    const text = render(c.template ?? DEFAULT_TEMPLATES.slack, d.context, 'slack');
    return this.post(c.url, 'POST', this.headers(d, 'application/json'), JSON.stringify({ text }));
  }

  /** Events API v2: a trigger per firing, a resolve with the same dedup_key when it clears. */
  private pagerDuty(d: Delivery, c: Extract<Channel, { type: 'pagerduty' }>): Promise<string> {
    const ctx = d.context;
    const dedupKey = pagerDutyDedupKey(ctx.alert.id, ctx.group ?? '');
    const event = ctx.firing
      ? {
          routing_key: c.routingKey,
          event_action: 'trigger',
          dedup_key: dedupKey,
          payload: {
            summary: render(c.summaryTemplate ?? DEFAULT_TEMPLATES.pagerdutySummary, ctx, 'none').slice(0, 1024),
            source: 'millrace',
            severity: c.severity,
            timestamp: ctx.at,
            component: ctx.group,
            group: ctx.alert.name,
            class: ctx.alert.kind,
            custom_details: { query: ctx.alert.query, count: ctx.count, value: ctx.value, threshold: ctx.threshold, window: ctx.window, samples: ctx.samples },
          },
          links: [{ href: ctx.link, text: 'Search' }],
          client: 'Millrace',
        }
      : { routing_key: c.routingKey, event_action: 'resolve', dedup_key: dedupKey };
    return this.post(this.settings.pagerDutyUrl, 'POST', this.headers(d, 'application/json'), JSON.stringify(event));
  }

  private async email(d: Delivery, c: Extract<Channel, { type: 'email' }>): Promise<string> {
    const smtp = c.smtp ?? this.defaultSmtp();
    if (!smtp) throw new DeliveryError('the channel names no SMTP server and SMTP_URL is not set', true);
    const address = await this.resolveSmtpHost(smtp.host, c.smtp ? this.policy : this.operatorPolicy);
    const transport = nodemailer.createTransport({
      host: address,
      port: smtp.port ?? (smtp.secure ? 465 : 587),
      secure: smtp.secure,
      requireTLS: !smtp.secure && smtp.requireTLS,
      auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
      tls: { servername: isIP(smtp.host) ? undefined : smtp.host, ca: smtp.ca, minVersion: 'TLSv1.2' },
      connectionTimeout: this.settings.timeoutMs,
      greetingTimeout: this.settings.timeoutMs,
      socketTimeout: this.settings.timeoutMs,
      name: 'millrace-alerter',
    });
    try {
      const info = await transport.sendMail({
        from: c.from ?? this.settings.smtpFrom,
        to: c.to,
        subject: render(c.subjectTemplate ?? DEFAULT_TEMPLATES.emailSubject, d.context, 'none').replace(/[\r\n]+/g, ' ').slice(0, 250),
        text: render(c.bodyTemplate ?? DEFAULT_TEMPLATES.emailBody, d.context, 'none'),
        // The same id on every attempt: mail clients show one message even if it is sent twice.
        messageId: `<${d.id}@alerts.millrace>`,
        headers: { 'X-Millrace-Notification-Id': d.id },
      });
      return `SMTP ${String(info.response ?? 'accepted').slice(0, 200)}`;
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx is the server's final word (unknown mailbox, authentication refused); 4xx and network errors may pass.
      throw new DeliveryError(`SMTP: ${(error as Error).message}`, code !== undefined && code >= 500, { cause: error });
    } finally {
      transport.close();
    }
  }

  private defaultSmtp(): SmtpSettings | undefined {
    if (!this.settings.smtpUrl) return undefined;
    const url = new URL(this.settings.smtpUrl);
    return {
      host: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      secure: url.protocol === 'smtps:',
      requireTLS: url.searchParams.get('requireTLS') !== 'false',
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
    };
  }

  /** Connect to an address checked here, not to whatever the name resolves to later. */
  private async resolveSmtpHost(host: string, policy: OutboundPolicy): Promise<string> {
    try {
      return (await policy.resolve(host)).address;
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw new DeliveryError(error.message, true, { cause: error });
      throw new DeliveryError(`SMTP: ${(error as Error).message}`, false, { cause: error });
    }
  }
}
