import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const PROFILE = 'test';

export interface StackEnv {
  NATS_URL: string;
  DATABASE_URL: string;
  OPENSEARCH_URL: string;
}

/** Connection settings of the test stack: from the environment `npm test` sets, else its file. */
export function stackEnv(): StackEnv {
  if (process.env.NATS_URL && process.env.DATABASE_URL && process.env.OPENSEARCH_URL) {
    return { NATS_URL: process.env.NATS_URL, DATABASE_URL: process.env.DATABASE_URL, OPENSEARCH_URL: process.env.OPENSEARCH_URL };
  }
  const file = path.join(REPO_ROOT, '.millrace', 'stack', PROFILE, 'stack.json');
  if (!existsSync(file)) throw new Error(`the test stack is not running: run npm test (or node tools/stack/stack.mjs up --profile test)`);
  return JSON.parse(readFileSync(file, 'utf8')) as StackEnv;
}

/** Stop or start one real server of the test stack (used to cut NATS off mid-test). */
export function stackServer(action: 'stop-one' | 'start-one', server: 'nats' | 'postgres' | 'opensearch'): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'stack', 'stack.mjs'), action, server, '--profile', PROFILE], { stdio: 'ignore' });
}
