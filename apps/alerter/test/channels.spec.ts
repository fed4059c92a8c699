import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { ChannelSender, pagerDutyDedupKey, type ChannelSettings } from '../src/notify/channels';
import { LOOPBACK_HOST_FORMS } from '@millrace/outbound-policy';
import type { NotificationContext } from '../src/notify/templates';
import { Receiver } from './support';

const context: NotificationContext = {
  event: 'firing', firing: true, resolved: false, status: 'FIRING',
  alert: { id: '0b5f7d9e-0000-4000-8000-000000000001', name: 'checkout errors', kind: 'presence', query: 'app:checkout level:error' },
  tenant: 'acme', groupBy: 'host', group: 'web-1', count: 3, threshold: 3,
  window: { seconds: 60, human: '1m', start: '2025-01-01T10:00:00.000Z', end: '2025-01-01T10:01:00.000Z' },
  at: '2025-01-01T10:00:30.000Z', summary: '3 matching lines within 1m (alert at 3 or more)',
  samples: [{ ts: '2025-01-01T10:00:01.000Z', app: 'checkout', host: 'web-1', level: 'error', message: 'payment declined' }],
  link: 'https://logs.example/v1/search?q=x', notificationId: 'n-1',
};

let receiver: Receiver;
let smtp: SMTPServer;
let smtpPort: number;
let certDir: string;
let ca: string;
const mails: Array<{ from: string; to: string[]; data: string; user?: string; secure: boolean }> = [];

beforeAll(async () => {
  receiver = await new Receiver().start();
  // A real SMTP server on 127.0.0.1 with STARTTLS (a self-signed certificate for 127.0.0.1) and AUTH.
  certDir = mkdtempSync(path.join(tmpdir(), 'alerter-smtp-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
  ca = readFileSync(path.join(certDir, 'cert.pem'), 'utf8');
  smtp = new SMTPServer({
    key: readFileSync(path.join(certDir, 'key.pem')), cert: ca, authMethods: ['PLAIN', 'LOGIN'], logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 'mail-pass') cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ from: String(session.envelope.mailFrom && session.envelope.mailFrom.address), to: session.envelope.rcptTo.map((r) => r.address), data, user: session.user as string | undefined, secure: session.secure });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await receiver?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

const settings = (overrides: Partial<ChannelSettings> = {}): ChannelSettings => ({
  pagerDutyUrl: receiver.url('/pd/v2/enqueue'), smtpFrom: 'Millrace <alerts@millrace.test>', timeoutMs: 3000, allowPrivate: true, ...overrides,
});

describe('channels', () => {
  it('webhook: the body template, the idempotency key and an HMAC signature of the body', async () => {
    await new ChannelSender(settings()).deliver({
      id: 'n-1', attempt: 2, context,
      channel: { id: 'w', type: 'webhook', url: receiver.url('/hook'), method: 'PUT', headers: { 'X-Team': 'payments' }, contentType: 'application/json', secret: 'shared-secret', bodyTemplate: '{"text":"{{alert.name}} on {{group}}: {{count}}","first":"{{samples.0.message}}"}' },
    });
    const [got] = receiver.on('/hook');
    expect(JSON.parse(got.body)).toEqual({ text: 'checkout errors on web-1: 3', first: 'payment declined' });
    expect(got.headers).toMatchObject({ 'idempotency-key': 'n-1', 'x-millrace-attempt': '2', 'x-team': 'payments', 'x-millrace-event': 'firing' });
    expect(got.headers['x-millrace-signature']).toBe(`sha256=${createHmac('sha256', 'shared-secret').update(got.body).digest('hex')}`);
  });

  it('webhook without a template sends the whole context as JSON', async () => {
    await new ChannelSender(settings()).deliver({ id: 'n-2', attempt: 1, context, channel: { id: 'w', type: 'webhook', url: receiver.url('/plain'), method: 'POST', headers: {}, contentType: 'application/json' } });
    expect(JSON.parse(receiver.on('/plain')[0].body)).toMatchObject({ event: 'firing', count: 3, alert: { name: 'checkout errors' }, samples: [{ message: 'payment declined' }] });
  });

  it('Slack: an incoming-webhook body with mrkdwn text', async () => {
    await new ChannelSender(settings()).deliver({ id: 'n-3', attempt: 1, context, channel: { id: 's', type: 'slack', url: receiver.url('/slack') } });
    const body = JSON.parse(receiver.on('/slack')[0].body);
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain(':rotating_light: *checkout errors* is firing (host: web-1)');
    expect(body.text).toContain('<https://logs.example/v1/search?q=x|Open the search>');
  });

  it('PagerDuty Events v2: trigger then resolve with the same dedup_key', async () => {
    const sender = new ChannelSender(settings());
    const channel = { id: 'pd', type: 'pagerduty' as const, routingKey: 'R0UTING', severity: 'critical' as const };
    await sender.deliver({ id: 'n-4', attempt: 1, context, channel });
    await sender.deliver({ id: 'n-5', attempt: 1, context: { ...context, event: 'resolved', firing: false, resolved: true, status: 'RESOLVED' }, channel });
    const [trigger, resolve] = receiver.on('/pd/v2/enqueue').map((r) => JSON.parse(r.body));
    expect(trigger).toMatchObject({
      routing_key: 'R0UTING', event_action: 'trigger', dedup_key: pagerDutyDedupKey(context.alert.id, 'web-1'),
      payload: { summary: 'checkout errors [host: web-1]: 3 matching lines within 1m (alert at 3 or more)', source: 'millrace', severity: 'critical', component: 'web-1' },
      links: [{ href: 'https://logs.example/v1/search?q=x' }],
    });
    expect(resolve).toEqual({ routing_key: 'R0UTING', event_action: 'resolve', dedup_key: trigger.dedup_key });
  });

  it('e-mail over SMTP with STARTTLS and authentication', async () => {
    await new ChannelSender(settings()).deliver({
      id: 'n-6', attempt: 1, context,
      channel: { id: 'm', type: 'email', to: ['ops@example.com'], smtp: { host: '127.0.0.1', port: smtpPort, secure: false, requireTLS: true, username: 'alerts', password: 'mail-pass', ca } },
    });
    const [mail] = mails;
    expect(mail).toMatchObject({ to: ['ops@example.com'], from: 'alerts@millrace.test', user: 'alerts', secure: true });
    expect(mail.data).toMatch(/^Subject: \[FIRING\] checkout errors \(host: web-1\)/m);
    expect(mail.data).toMatch(/^Message-ID: <n-6@alerts\.millrace>/im);
    expect(mail.data).toContain('payment declined');
  });

  it('e-mail: wrong credentials are a final failure, a server that does not answer is not', async () => {
    const sender = new ChannelSender(settings({ timeoutMs: 1000 }));
    const bad = sender.deliver({ id: 'n-7', attempt: 1, context, channel: { id: 'm', type: 'email', to: ['ops@example.com'], smtp: { host: '127.0.0.1', port: smtpPort, secure: false, requireTLS: true, username: 'alerts', password: 'wrong', ca } } });
    await expect(bad).rejects.toMatchObject({ name: 'DeliveryError', permanent: true });
    const away = sender.deliver({ id: 'n-8', attempt: 1, context, channel: { id: 'm', type: 'email', to: ['ops@example.com'], smtp: { host: '127.0.0.1', port: 1, secure: false, requireTLS: true } } });
    await expect(away).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
  });

  it('refuses private and loopback destinations unless allowed: nothing arrives through any form of the address', async () => {
    const strict = new ChannelSender(settings({ allowPrivate: false }));
    const lenient = new ChannelSender(settings());
    const port = new URL(receiver.url('/')).port;
    for (const { host, reaches } of LOOPBACK_HOST_FORMS) {
      for (const type of ['webhook', 'slack'] as const) {
        const url = `http://${host}:${port}/mapped`;
        const channel = type === 'webhook' ? { id: 'w', type, url, method: 'POST' as const, headers: {}, contentType: 'application/json' } : { id: 's', type, url };
        await expect(strict.deliver({ id: 'n-9', attempt: 1, context, channel })).rejects.toMatchObject({ name: 'DeliveryError', permanent: true, message: expect.stringMatching(/may only reach public|only exists inside a network/) });
        // The same form does reach the receiver where private targets are allowed: the refusal is what stopped it.
        if (reaches) await lenient.deliver({ id: 'n-9-ok', attempt: 1, context, channel });
      }
    }
    expect(receiver.on('/mapped').length).toBe(2 * LOOPBACK_HOST_FORMS.filter((f) => f.reaches).length);
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[::ffff:a9fe:a9fe]/', 'http://metadata.google.internal/']) {
      await expect(lenient.deliver({ id: 'n-10', attempt: 1, context, channel: { id: 's', type: 'slack', url } })).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/never reachable/) });
    }
    const mailsBefore = mails.length;
    for (const host of ['127.0.0.1', '::ffff:127.0.0.1', 'localhost.', '2130706433']) {
      const channel = { id: 'm', type: 'email' as const, to: ['ops@example.com'], smtp: { host, port: smtpPort, secure: false, requireTLS: false } };
      await expect(strict.deliver({ id: 'n-11', attempt: 1, context, channel })).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/may only reach public|only exists inside a network/) });
    }
    expect(mails.length).toBe(mailsBefore);
  });

  it('never follows redirects', async () => {
    receiver.respond('/moved', 302, '', { location: receiver.url('/elsewhere') });
    await expect(new ChannelSender(settings()).deliver({ id: 'n-12', attempt: 1, context, channel: { id: 's', type: 'slack', url: receiver.url('/moved') } }))
      .rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/redirects are not followed/) });
    expect(receiver.on('/elsewhere')).toHaveLength(0);
  });
});
