import { alertInputSchema, inheritSecrets, normalise, redactChannel, ruleVersion, type StoredChannel } from './alert-schema';

const presence = { name: 'errors', kind: 'presence', query: 'app:web level:error', count: 3, windowSeconds: 60 };

describe('alert definitions', () => {
  it('accepts each kind with its defaults', () => {
    const p = alertInputSchema.parse(presence);
    expect(p).toMatchObject({ trigger: 'immediate', enabled: true, maxGroups: 100, throttleSeconds: 0, notifyOnResolve: true, channels: [] });
    expect(alertInputSchema.parse({ name: 'hb', kind: 'absence', query: 'app:cron', windowSeconds: 300 })).toMatchObject({ count: 1 });
    const t = alertInputSchema.parse({ name: 'slow', kind: 'threshold', query: 'app:api', aggregation: 'p95', field: 'latency_ms', groupBy: 'app', comparator: '>', value: 500, windowSeconds: 300 });
    expect(t).toMatchObject({ everySeconds: 60 });
  });

  it('refuses what cannot work, naming the field', () => {
    const problems = (body: object) => {
      const r = alertInputSchema.safeParse(body);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ ...presence, query: 'app:(web' }).join()).toMatch(/^query: .*position/);
    expect(problems({ ...presence, windowSeconds: 0 }).join()).toMatch(/^windowSeconds/);
    expect(problems({ ...presence, kind: 'sometimes' }).join()).toMatch(/^kind/);
    expect(problems({ ...presence, surprise: 1 }).join()).toMatch(/surprise/);
    expect(problems({ name: 'x', kind: 'threshold', aggregation: 'avg', comparator: '>', value: 1, windowSeconds: 60 }).join()).toMatch(/^field: is required/);
    expect(problems({ ...presence, schedule: { timezone: 'Mars/Olympus' } }).join()).toMatch(/^schedule.timezone/);
    expect(problems({ ...presence, channels: [{ type: 'webhook', url: 'ftp://x' }] }).join()).toMatch(/^channels.0.url/);
    expect(problems({ ...presence, channels: [{ type: 'slack', url: 'https://h.example/x', template: '{{#a}}' }] }).join()).toMatch(/template does not parse/);
    expect(problems({ ...presence, channels: [{ type: 'email', to: ['not an address'] }] }).join()).toMatch(/^channels.0.to.0/);
  });

  it('gives channels ids and keeps settings apart from columns', () => {
    const n = normalise(alertInputSchema.parse({ ...presence, channels: [{ type: 'slack', url: 'https://hooks.example/T/B/secret' }, { id: 'pd', type: 'pagerduty', routingKey: 'R0UT1NG' }] }));
    expect(n.channels.map((c) => c.id)[1]).toBe('pd');
    expect(n.channels[0].id).toMatch(/^[0-9a-f]{8}$/);
    expect(n.settings).toMatchObject({ count: 3, windowSeconds: 60, trigger: 'immediate' });
    expect(n.settings).not.toHaveProperty('name');
    expect(n.settings).not.toHaveProperty('channels');
  });

  const stored: StoredChannel[] = [
    { id: 'hook', type: 'webhook', url: 'https://hooks.example/path/TOKEN?sig=abc', method: 'POST', headers: { 'X-Token': 's3cret' }, contentType: 'application/json', secret: 'hmac-secret-1' },
    { id: 'slack', type: 'slack', url: 'https://hooks.slack.example/services/T/B/XYZ' },
    { id: 'pd', type: 'pagerduty', routingKey: 'R0UT1NGKEY', severity: 'error' },
    { id: 'mail', type: 'email', to: ['ops@example.com'], smtp: { host: 'smtp.example.com', port: 587, secure: false, requireTLS: true, username: 'u', password: 'p4ss' } },
  ];

  it('never shows a secret', () => {
    const shown = JSON.stringify(stored.map(redactChannel));
    for (const secret of ['TOKEN', 'sig=abc', 's3cret', 'hmac-secret-1', 'XYZ', 'R0UT1NGKEY', 'p4ss']) expect(shown).not.toContain(secret);
    expect(redactChannel(stored[0])).toMatchObject({ urlRedacted: 'https://hooks.example/…', headers: { 'X-Token': '[redacted]' }, hasSecret: true });
    expect(redactChannel(stored[3])).toMatchObject({ smtp: { host: 'smtp.example.com', username: 'u', passwordSet: true } });
  });

  it('keeps stored secrets when a client sends back what it read', () => {
    const echoed = stored.map(redactChannel);
    const merged = inheritSecrets(echoed, stored) as object[];
    const parsed = alertInputSchema.parse({ ...presence, channels: merged });
    expect(parsed.channels).toEqual(stored);
    // A new URL replaces the old one; another id inherits nothing.
    const changed = inheritSecrets([{ id: 'slack', type: 'slack', url: 'https://new.example/x' }, { id: 'other', type: 'pagerduty' }], stored) as Array<Record<string, unknown>>;
    expect(changed[0].url).toBe('https://new.example/x');
    expect(changed[1].routingKey).toBeUndefined();
  });

  it('changes the rule version only when what is counted changes', () => {
    const base = { kind: 'presence', query: 'a', settings: { count: 3, windowSeconds: 60, throttleSeconds: 0 } };
    expect(ruleVersion(base)).toBe(ruleVersion({ ...base, settings: { ...base.settings, throttleSeconds: 600 } }));
    expect(ruleVersion(base)).not.toBe(ruleVersion({ ...base, settings: { ...base.settings, count: 4 } }));
    expect(ruleVersion(base)).not.toBe(ruleVersion({ ...base, query: 'b' }));
  });
});
