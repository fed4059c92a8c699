import { ConfigError, baseConfigSchema, databaseConfigSchema, loadConfig, natsConfigSchema, openSearchConfigSchema } from './config';
import { openSearchNodes } from './opensearch';

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
