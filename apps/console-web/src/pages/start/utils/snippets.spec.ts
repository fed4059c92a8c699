import { buildSnippets, KEY_PLACEHOLDER } from './snippets';

describe('getting-started snippets', () => {
  const endpoints = { ingestUrl: 'https://logs.example.com/', syslog: { host: 'logs.example.com', tcpPort: 514, tlsPort: 6514 } };

  it('covers every shipper of the page', () => {
    expect(buildSnippets(endpoints).map((s) => s.id)).toEqual(['curl', 'ndjson', 'rsyslog', 'syslog-ng', 'vector', 'fluent-bit', 'otel', 'loki', 'heroku']);
  });

  it('fills in the endpoint and the key', () => {
    const key = 'mlr_ik_abc';
    const byId = Object.fromEntries(buildSnippets(endpoints, key).map((s) => [s.id, s.text]));
    expect(byId.curl).toContain('Bearer mlr_ik_abc');
    expect(byId.curl).toContain('https://logs.example.com/logs/ingest');
    expect(byId.rsyslog).toContain('port="6514"');
    expect(byId.rsyslog).toContain('key=\\"mlr_ik_abc\\"');
    expect(byId['fluent-bit']).toContain('Port            443');
    expect(byId['fluent-bit']).toContain('tls             On');
    expect(byId.otel).toContain('https://logs.example.com/v1/logs');
    expect(byId.heroku).toContain('https://token:mlr_ik_abc@logs.example.com/logplex');
  });

  it('uses a placeholder without a key and leaves syslog out without its ports', () => {
    const s = buildSnippets({ ingestUrl: 'http://127.0.0.1:17080' });
    expect(s[0].text).toContain(KEY_PLACEHOLDER);
    expect(s.map((x) => x.id)).not.toContain('rsyslog');
    expect(s.find((x) => x.id === 'fluent-bit')!.text).toContain('Port            17080');
  });
});
