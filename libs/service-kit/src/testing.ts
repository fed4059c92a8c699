import { existsSync, readFileSync } from 'node:fs';
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

/** Settings every service needs, pointed at the test servers (in-process app tests use app.inject, not a port). */
export function testServiceEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...testStackEnv(), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...extra };
}
