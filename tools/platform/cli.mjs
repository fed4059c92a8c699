#!/usr/bin/env node
// The commands of the README, and their companions:
//   npm start  → install what is missing, start the dev stack and the nine services, print where to go
//   npm stop   → stop the services and the dev stack
//   npm test   → install what is missing, start the test stack, run every project's tests, stop it;
//                then the clustered tests (tests/e2e/src/cluster) if the time budget allows
//   npm run start:cluster / stop:cluster / test:cluster → the same on the clustered profiles
// `start`, `stop` and `status` take --profile (default dev).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isClustered, readEnv, up } from '../stack/stack-lib.mjs';
import { startPlatform, stopPlatform } from './platform.mjs';

const require = createRequire(import.meta.url);
const services = require('./services.cjs');
const ROOT = services.REPO_ROOT;

const say = (msg) => process.stdout.write(`${msg}\n`);

/** Settings of the demo organisation `npm start` made: .millrace/local.env (dev), local.<profile>.env otherwise. */
export function localEnvFile(profile, root = ROOT) {
  return path.join(root, '.millrace', profile === 'dev' ? 'local.env' : `local.${profile}.env`);
}

/** `test` runs the cluster suite after the others when MILLRACE_TEST_CLUSTER allows it (see clusterStageDecision): about a minute to start the cluster-test profile, the fault suite about five, the rest two. */
export const CLUSTER_STAGE_MINUTES = 10;

/**
 * Whether `npm test` goes on to the clustered tests: MILLRACE_TEST_CLUSTER=1 always, =0 never;
 * unset: when the other tests passed and, with the cluster stage's few minutes added, the run
 * stays inside MILLRACE_TEST_BUDGET_MINUTES (default 60).
 */
export function clusterStageDecision({ env = process.env, elapsedMs, passed }) {
  if (env.MILLRACE_TEST_CLUSTER === '0') return { run: false, why: 'MILLRACE_TEST_CLUSTER=0' };
  if (env.MILLRACE_TEST_CLUSTER === '1') return { run: true, why: 'MILLRACE_TEST_CLUSTER=1' };
  if (!passed) return { run: false, why: 'the other tests failed' };
  const budget = Number(env.MILLRACE_TEST_BUDGET_MINUTES ?? 60);
  const projected = elapsedMs / 60_000 + CLUSTER_STAGE_MINUTES;
  if (projected > budget) return { run: false, why: `${projected.toFixed(0)} min would exceed the ${budget}-minute budget (MILLRACE_TEST_BUDGET_MINUTES)` };
  return { run: true, why: `inside the ${budget}-minute budget` };
}

export function parseCli(argv) {
  const args = { command: undefined, profile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--profile') args.profile = argv[++i];
    else if (arg.startsWith('--profile=')) args.profile = arg.slice('--profile='.length);
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (!args.command) args.command = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (args.profile !== undefined && !(args.profile in services.PROFILES)) {
    throw new Error(`unknown profile "${args.profile}" (use one of: ${Object.keys(services.PROFILES).join(', ')})`);
  }
  return args;
}

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
  say('building (tsc -b, then the console\'s page with vite)…');
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'nx'), ['run', 'console-web:bundle', '--outputStyle=stream'], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
}

export const DEMO_EMAIL = 'demo@millrace.local';

/** Whether the demo user can log in with the password `npm start` gave it last time. */
async function demoLogInWorks(local) {
  if (!local.MILLRACE_DEMO_PASSWORD) return false;
  try {
    const res = await fetch(`${local.MILLRACE_AUTH_URL}/v1/sessions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: local.MILLRACE_DEMO_EMAIL ?? DEMO_EMAIL, password: local.MILLRACE_DEMO_PASSWORD, org: 'demo' }),
    });
    return res.status === 201 || res.status === 200;
  } catch {
    return false;
  }
}

function writeLocalEnv(file, local) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${Object.entries(local).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
}

function readLocalEnv(file) {
  if (!fs.existsSync(file)) return undefined;
  return Object.fromEntries(fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function keysStillWork(local) {
  try {
    const res = await fetch(`${local.MILLRACE_QUERY_URL}/v1/search?limit=1`, { headers: { authorization: `Bearer ${local.MILLRACE_READ_KEY}` } });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function start({ profile = 'dev' }) {
  ensureDependencies();
  build();
  const { env: stackEnv, timings } = await startPlatform(profile);
  const urls = services.urls(profile);
  const file = localEnvFile(profile);
  let local = readLocalEnv(file);
  let fresh = false;
  if (!local || !(await keysStillWork(local))) {
    const demo = services.createOrg(stackEnv, 'demo');
    local = {
      MILLRACE_CONSOLE_URL: urls.console,
      MILLRACE_INGEST_URL: urls.ingest,
      MILLRACE_QUERY_URL: urls.query,
      MILLRACE_AUTH_URL: urls.auth,
      MILLRACE_INGEST_KEY: demo.ingestKey,
      MILLRACE_READ_KEY: demo.readKey,
      ...(local?.MILLRACE_DEMO_PASSWORD ? { MILLRACE_DEMO_EMAIL: local.MILLRACE_DEMO_EMAIL, MILLRACE_DEMO_PASSWORD: local.MILLRACE_DEMO_PASSWORD } : {}),
    };
    fresh = true;
  }
  // The person's way in: an owner of the demo organisation, with a password made here.
  local.MILLRACE_CONSOLE_URL = urls.console;
  if (!(await demoLogInWorks(local))) {
    local.MILLRACE_DEMO_EMAIL = DEMO_EMAIL;
    local.MILLRACE_DEMO_PASSWORD = randomBytes(18).toString('base64url');
    services.createOwner(stackEnv, 'demo', DEMO_EMAIL, local.MILLRACE_DEMO_PASSWORD);
  }
  writeLocalEnv(file, local);
  const settings = path.relative(ROOT, file);
  const stopCommand = profile === 'dev' ? 'npm stop' : profile === 'cluster' ? 'npm run stop:cluster' : `node tools/platform/cli.mjs stop --profile ${profile}`;
  say('');
  say(`Open the console: ${local.MILLRACE_CONSOLE_URL}   e-mail: ${local.MILLRACE_DEMO_EMAIL}   password: ${local.MILLRACE_DEMO_PASSWORD}`);
  say('');
  say(`Millrace is running${profile === 'dev' ? '' : ` (profile ${profile})`}; started in ${(timings.total / 1000).toFixed(0)} s.`);
  say(`  ingest:  ${local.MILLRACE_INGEST_URL}   (POST /logs/ingest, key: ${fresh ? local.MILLRACE_INGEST_KEY : `see ${settings}`})`);
  say(`  search:  ${local.MILLRACE_QUERY_URL}/v1/search?q=   (read key: ${fresh ? local.MILLRACE_READ_KEY : `see ${settings}`})`);
  say(`  API docs: ${local.MILLRACE_QUERY_URL}/docs and ${local.MILLRACE_AUTH_URL}/docs`);
  if (isClustered(profile)) {
    const replicas = services.replicaUrls(profile);
    say(`  every gateway replica:   ${replicas.ingest.join('  ')}`);
    say(`  every query-api replica: ${replicas.query.join('  ')}`);
    say(`  NATS: ${stackEnv.NATS_URL}   OpenSearch: ${stackEnv.OPENSEARCH_URL}`);
  }
  say(`  settings: ${settings} (source it: set -a; . ${settings}; set +a)`);
  say('');
  say('Ship a line:');
  say(`  curl -sS -H "Authorization: Bearer $MILLRACE_INGEST_KEY" -H 'Content-Type: application/json' \\`);
  say(`    -d '{"lines":[{"line":"hello from curl","app":"demo","level":"info"}]}' "$MILLRACE_INGEST_URL/logs/ingest"`);
  say('Find it:');
  say(`  curl -sS -H "Authorization: Bearer $MILLRACE_READ_KEY" "$MILLRACE_QUERY_URL/v1/search?q=hello"`);
  say('');
  say(`Stop everything with: ${stopCommand}`);
}

async function stop({ profile = 'dev' }) {
  await stopPlatform(profile);
  say(`Millrace stopped${profile === 'dev' ? '' : ` (profile ${profile})`}.`);
}

function nx(args, env) {
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'nx'), args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env, TZ: 'UTC', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  return result.status ?? 1;
}

/**
 * The clustered end-to-end tests: their jest globalSetup brings the cluster-test profile up and
 * down. Everything was just built (tsc -b), so Nx need not run the build tasks again.
 */
function runClusterTests() {
  return nx(['run', 'e2e:test-cluster', '--excludeTaskDependencies', '--outputStyle=stream'], {});
}

async function test() {
  const t0 = Date.now();
  ensureDependencies();
  build();
  // The test profile's servers only: the projects' tests start the services they need themselves.
  await up('test');
  let status = 1;
  try {
    const stackEnv = readEnv('test');
    services.migrate(stackEnv);
    status = nx(['run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream'], { ...stackEnv, MILLRACE_PROFILE: 'test' });
  } finally {
    await stopPlatform('test');
  }
  const decision = clusterStageDecision({ elapsedMs: Date.now() - t0, passed: status === 0 });
  if (decision.run) {
    say(`running the clustered tests (${decision.why})…`);
    const clusterStatus = runClusterTests();
    if (status === 0) status = clusterStatus;
  } else {
    say(`clustered tests skipped: ${decision.why}; run them with: npm run test:cluster`);
  }
  process.exitCode = status;
}

async function testCluster() {
  ensureDependencies();
  build();
  process.exitCode = runClusterTests();
}

async function status({ profile = 'dev' }) {
  for (const instance of services.allInstances(profile)) {
    const pid = services.runningPid(profile, instance.name);
    say(`${instance.name.padEnd(17)} ${pid ? `running on :${services.portOf(profile, instance.name)}` : 'stopped'}`);
  }
}

const COMMANDS = { start, stop, test, 'test-cluster': testCluster, status };

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let args;
  try {
    args = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const command = COMMANDS[args.command];
  if (!command) {
    process.stderr.write(`usage: node tools/platform/cli.mjs ${Object.keys(COMMANDS).join('|')} [--profile ${Object.keys(services.PROFILES).join('|')}]\n`);
    process.exit(2);
  }
  command(args).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  });
}
