import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestStackEnv {
  NATS_URL: string;
  DATABASE_URL: string;
  OPENSEARCH_URL: string;
}

/**
 * Connection settings of the real test servers, for integration tests: from the environment
 * `npm test` sets, else from the file `node tools/stack/stack.mjs up --profile test` writes.
 */
export function testStackEnv(): TestStackEnv {
  const { NATS_URL, DATABASE_URL, OPENSEARCH_URL } = process.env;
  if (NATS_URL && DATABASE_URL && OPENSEARCH_URL) return { NATS_URL, DATABASE_URL, OPENSEARCH_URL };
  const file = path.resolve(__dirname, '../../../.millrace/stack/test/stack.json');
  if (!existsSync(file)) throw new Error('the test stack is not running: node tools/stack/stack.mjs up --profile test');
  return JSON.parse(readFileSync(file, 'utf8')) as TestStackEnv;
}

/**
 * The sealing key of the test profile: the one the services started by the tests use
 * (tools/platform/services.cjs keeps it in .millrace/services/test/secrets.json), so in-process
 * apps and started services read each other's sealed rows in the shared test database. Made
 * there if it is not yet.
 */
export function testSealingKey(): string {
  const file = path.resolve(__dirname, '../../../.millrace/services/test/secrets.json');
  const secrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const key = secrets.SEALING_KEY ?? secrets.ARCHIVE_ENCRYPTION_KEY;
  if (key) return key;
  secrets.SEALING_KEY = randomBytes(32).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets.SEALING_KEY;
}

/** Settings every service needs, pointed at the test servers (in-process app tests use app.inject, not a port). */
export function testServiceEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...testStackEnv(), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEALING_KEY: testSealingKey(), ...extra };
}
