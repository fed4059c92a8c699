import { checkTemplate, DEFAULT_TEMPLATES, humanDuration, render, type NotificationContext } from './templates';

const context: NotificationContext = {
  event: 'firing', firing: true, resolved: false, status: 'FIRING',
  alert: { id: 'a1', name: 'Checkout "errors" <5xx>', kind: 'presence', query: 'app:checkout level:error' },
  tenant: 'acme', groupBy: 'host', group: 'web-1', count: 3, threshold: 3,
  window: { seconds: 300, human: '5m', start: '2025-01-01T10:00:00.000Z', end: '2025-01-01T10:05:00.000Z' },
  at: '2025-01-01T10:01:00.000Z', summary: '3 matching lines within 5m (at least 3)',
  samples: [
    { ts: '2025-01-01T10:00:01.000Z', app: 'checkout', host: 'web-1', level: 'error', message: 'payment "declined"\nretry' },
    { ts: '2025-01-01T10:00:02.000Z', app: 'checkout', host: 'web-1', level: 'error', message: 'timeout & <reset>' },
  ],
  link: 'https://q.example/v1/search?q=app%3Acheckout', notificationId: 'n1',
};

describe('templates', () => {
  it('renders values and sections, escaped for JSON so the body stays valid JSON', () => {
    const body = render('{"text":"{{alert.name}} x{{count}} {{#samples}}[{{message}}]{{/samples}}","n":{{count}} }', context, 'json');
    const parsed = JSON.parse(body);
    expect(parsed.text).toBe('Checkout "errors" <5xx> x3 [payment "declined"\nretry][timeout & <reset>]');
    expect(parsed.n).toBe(3);
  });

  it('escapes for Slack mrkdwn', () => {
    expect(render('{{alert.name}} {{samples.1.message}}', context, 'slack')).toBe('Checkout "errors" &lt;5xx&gt; timeout &amp; &lt;reset&gt;');
  });

  it('never runs code: a template can only look values up', () => {
    expect(render('{{constructor.constructor}}{{#alert}}{{__proto__}}{{/alert}}', context, 'none')).not.toMatch(/function|native code/);
    expect(render("{{process.exit}}{{require('fs')}}", context, 'none')).toBe('');
  });

  it('reports a malformed template', () => {
    expect(() => checkTemplate('{{#samples}} unclosed')).toThrow(/Unclosed section "samples"/);
    expect(() => checkTemplate('x'.repeat(9000))).toThrow(/at most/);
  });

  it('has defaults for every channel that read well', () => {
    expect(render(DEFAULT_TEMPLATES.emailSubject, context, 'none')).toBe('[FIRING] Checkout "errors" <5xx> (host: web-1)');
    const slack = render(DEFAULT_TEMPLATES.slack, context, 'slack');
    expect(slack).toContain(':rotating_light: *Checkout "errors" &lt;5xx&gt;* is firing (host: web-1)');
    expect(slack).toContain('> timeout &amp; &lt;reset&gt;');
    const mail = render(DEFAULT_TEMPLATES.emailBody, context, 'none');
    expect(mail).toContain('Matching lines:');
    expect(mail).toContain('Search: https://q.example/v1/search?q=app%3Acheckout');
    const resolved = render(DEFAULT_TEMPLATES.emailBody, { ...context, event: 'resolved', firing: false, resolved: true, samples: [] }, 'none');
    expect(resolved).toMatch(/is resolved/);
    expect(resolved).not.toContain('Matching lines');
  });

  it('writes durations the short way', () => {
    expect([humanDuration(45), humanDuration(300), humanDuration(7200), humanDuration(86400), humanDuration(90)]).toEqual(['45s', '5m', '2h', '1d', '90s']);
  });
});
