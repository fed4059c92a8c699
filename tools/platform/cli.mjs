#!/usr/bin/env node
// The two commands of the README, and their companions:
//   npm start  → install what is missing, start the dev stack and the eight services, print where to go
//   npm stop   → stop the services and the dev stack
//   npm test   → install what is missing, start the test stack, run every project's tests, stop it
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { up, down, readEnv } from '../stack/stack-lib.mjs';

const require = createRequire(import.meta.url);
const services = require('./services.cjs');
const ROOT = services.REPO_ROOT;
const LOCAL_ENV = path.join(ROOT, '.millrace', 'local.env');

const say = (msg) => process.stdout.write(`${msg}\n`);

/**
 * Install npm dependencies when node_modules is missing or older than the lock file. `npm install`
 * (not `npm ci`) because npm 11 leaves other platforms' optional binaries (@swc/core-*) out of
 * the lock file, which `npm ci` then refuses; the lock still pins every version installed.
 */
function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  say('installing npm dependencies (npm install)…');
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
}

function build() {
  say('building (tsc -b)…');
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
}

function readLocalEnv() {
  if (!fs.existsSync(LOCAL_ENV)) return undefined;
  return Object.fromEntries(fs.readFileSync(LOCAL_ENV, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function keysStillWork(local) {
  try {
    const res = await fetch(`${local.MILLRACE_QUERY_URL}/v1/search?limit=1`, { headers: { authorization: `Bearer ${local.MILLRACE_READ_KEY}` } });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function start() {
  ensureDependencies();
  build();
  await up('dev');
  const stackEnv = readEnv('dev');
  services.migrate(stackEnv);
  await services.startAll('dev', stackEnv);
  const urls = services.urls('dev');
  let local = readLocalEnv();
  let fresh = false;
  if (!local || !(await keysStillWork(local))) {
    const demo = services.createOrg(stackEnv, 'demo');
    local = {
      MILLRACE_INGEST_URL: urls.ingest,
      MILLRACE_QUERY_URL: urls.query,
      MILLRACE_AUTH_URL: urls.auth,
      MILLRACE_INGEST_KEY: demo.ingestKey,
      MILLRACE_READ_KEY: demo.readKey,
    };
    fs.mkdirSync(path.dirname(LOCAL_ENV), { recursive: true });
    fs.writeFileSync(LOCAL_ENV, `${Object.entries(local).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
    fresh = true;
  }
  say('');
  say('Millrace is running.');
  say(`  ingest:  ${local.MILLRACE_INGEST_URL}   (POST /logs/ingest, key: ${fresh ? local.MILLRACE_INGEST_KEY : 'see .millrace/local.env'})`);
  say(`  search:  ${local.MILLRACE_QUERY_URL}/v1/search?q=   (read key: ${fresh ? local.MILLRACE_READ_KEY : 'see .millrace/local.env'})`);
  say(`  API docs: ${local.MILLRACE_QUERY_URL}/docs and ${local.MILLRACE_AUTH_URL}/docs`);
  say(`  settings: .millrace/local.env (source it: set -a; . .millrace/local.env; set +a)`);
  say('');
  say('Ship a line:');
  say(`  curl -sS -H "Authorization: Bearer $MILLRACE_INGEST_KEY" -H 'Content-Type: application/json' \\`);
  say(`    -d '{"lines":[{"line":"hello from curl","app":"demo","level":"info"}]}' "$MILLRACE_INGEST_URL/logs/ingest"`);
  say('Find it:');
  say(`  curl -sS -H "Authorization: Bearer $MILLRACE_READ_KEY" "$MILLRACE_QUERY_URL/v1/search?q=hello"`);
  say('');
  say('Stop everything with: npm stop');
}

async function stop() {
  await services.stopAll('dev');
  await down('dev');
  say('Millrace stopped.');
}

async function test() {
  ensureDependencies();
  build();
  await up('test');
  let status = 1;
  try {
    const stackEnv = readEnv('test');
    services.migrate(stackEnv);
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...stackEnv, MILLRACE_PROFILE: 'test', TZ: 'UTC', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    status = result.status ?? 1;
  } finally {
    await services.stopAll('test');
    await down('test');
  }
  process.exitCode = status;
}

const commands = { start, stop, test, status: async () => {
  for (const s of services.SERVICES) say(`${s.padEnd(15)} ${services.runningPid('dev', s) ? `running on :${services.portOf('dev', s)}` : 'stopped'}`);
} };
const command = commands[process.argv[2]];
if (!command) {
  process.stderr.write(`usage: node tools/platform/cli.mjs ${Object.keys(commands).join('|')}\n`);
  process.exit(2);
}
command().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
