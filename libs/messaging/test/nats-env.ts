import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** NATS of the test stack: from the environment `npm test` sets, else the stack's file. */
export function testNatsUrl(): string {
  if (process.env.NATS_URL) return process.env.NATS_URL;
  const file = path.resolve(__dirname, '../../../.millrace/stack/test/stack.json');
  if (!existsSync(file)) throw new Error('the test stack is not running: node tools/stack/stack.mjs up --profile test');
  return (JSON.parse(readFileSync(file, 'utf8')) as { NATS_URL: string }).NATS_URL;
}
