import { ConfigError, baseConfigSchema, databaseConfigSchema, loadConfig, natsConfigSchema, openSearchConfigSchema } from './config';
import { openSearchNodes } from './opensearch';
import { proxyTrust } from './http-server';

const schema = baseConfigSchema.merge(natsConfigSchema).merge(databaseConfigSchema);

describe('loadConfig', () => {
  it('applies defaults and coerces numbers and flags', () => {
    const config = loadConfig(schema, { NATS_URL: 'nats://a:4222,nats://b:4222', DATABASE_URL: 'postgres://u:p@h/db', HTTP_PORT: '9000', DATABASE_SSL: 'true' });
    expect(config.HTTP_PORT).toBe(9000);
    expect(config.HTTP_HOST).toBe('0.0.0.0');
    expect(config.DATABASE_SSL).toBe(true);
    expect(config.JETSTREAM_REPLICAS).toBe(1);
  });

  it('names every missing or malformed setting', () => {
    let error: unknown;
    try {
      loadConfig(schema, { NATS_URL: 'http://wrong', HTTP_PORT: 'eighty', DATABASE_URL: '' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/NATS_URL: must be a comma-separated list of nats:\/\/ or tls:\/\/ URLs/);
    expect(message).toMatch(/HTTP_PORT: /);
    expect(message).toMatch(/DATABASE_URL: is required but not set/);
  });
});

describe('OPENSEARCH_URL', () => {
  it('takes one URL or a comma-separated list of a cluster\'s nodes', () => {
    expect(loadConfig(openSearchConfigSchema, { OPENSEARCH_URL: 'http://a:9200' }).OPENSEARCH_URL).toBe('http://a:9200');
    const list = loadConfig(openSearchConfigSchema, { OPENSEARCH_URL: 'http://a:9200, https://b:9200' }).OPENSEARCH_URL;
    expect(openSearchNodes(list)).toEqual(['http://a:9200', 'https://b:9200']);
  });

  it('refuses a list with a URL that is not http(s)', () => {
    expect(() => loadConfig(openSearchConfigSchema, { OPENSEARCH_URL: 'http://a:9200,nats://b:4222' })).toThrow(
      /OPENSEARCH_URL: must be a comma-separated list of http:\/\/ or https:\/\/ URLs/,
    );
  });
});

describe('HTTP server settings', () => {
  it('trusts no proxy by default and takes addresses, CIDR ranges and named ranges', () => {
    expect(loadConfig(baseConfigSchema, {}).TRUSTED_PROXIES).toEqual([]);
    expect(loadConfig(baseConfigSchema, { TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7,fd00::/8,loopback' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback']);
    expect(proxyTrust([])).toBe(false);
    const trust = proxyTrust(['10.0.0.0/8']) as (a: string, i: number) => boolean;
    expect([trust('10.1.2.3', 0), trust('::ffff:10.1.2.3', 0), trust('11.0.0.1', 0)]).toEqual([true, true, false]);
  });

  it('names a bad proxy range and bad timeouts', () => {
    expect(() => loadConfig(baseConfigSchema, { TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES: 10\.0\.0\.0\/33 is not an IP address, a CIDR range/);
    expect(() => loadConfig(baseConfigSchema, { TRUSTED_PROXIES: 'ingress' })).toThrow(/TRUSTED_PROXIES: ingress is not/);
    expect(() => loadConfig(baseConfigSchema, { HTTP_HEADERS_TIMEOUT_MS: '10' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(loadConfig(baseConfigSchema, {})).toMatchObject({ HTTP_HEADERS_TIMEOUT_MS: 10_000, HTTP_REQUEST_TIMEOUT_MS: 60_000, HTTP_IDLE_TIMEOUT_MS: 120_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000, HTTP_MAX_CONNECTIONS_PER_CLIENT: 256 });
  });
});
