// Starts and stops the eight Millrace services as local processes, for `npm start` and for the
// end-to-end tests. CommonJS so both the ESM CLI and Jest can require it.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Service names in start order: auth first (everyone verifies keys through it). */
const SERVICES = ['auth', 'broker-router', 'parser-worker', 'indexer', 'alerter', 'archiver', 'query-api', 'ingest-gateway'];
/** Apps owning a PostgreSQL schema; `dist/migrate.js` applies their migrations. */
const MIGRATING = ['auth', 'alerter', 'archiver', 'query-api'];

const PORT_BASE = { dev: 17000, test: 27000 };
const PORT_OFFSET = {
  'ingest-gateway': 80, 'query-api': 81, auth: 82, 'broker-router': 83, 'parser-worker': 84,
  indexer: 85, alerter: 86, archiver: 87,
};

function portOf(profile, service) {
  return PORT_BASE[profile] + PORT_OFFSET[service];
}

function stateDir(profile) {
  return path.join(REPO_ROOT, '.millrace', 'services', profile);
}

/**
 * Local secrets (auth's key-encryption key) are generated once per profile and kept in the
 * git-ignored state folder, readable by the owner only.
 */
function localSecrets(profile) {
  const file = path.join(stateDir(profile), 'secrets.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(stateDir(profile), { recursive: true });
    const secrets = { AUTH_ENCRYPTION_KEY: require('node:crypto').randomBytes(32).toString('base64url') };
    fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function serviceEnv(profile, service, stackEnv, extra = {}) {
  return {
    ...localSecrets(profile),
    ...process.env,
    ...stackEnv,
    NODE_ENV: 'production',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(portOf(profile, service)),
    LOG_LEVEL: process.env.MILLRACE_LOG_LEVEL || 'info',
    ...extra,
  };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidFile(profile, service) {
  return path.join(stateDir(profile), `${service}.pid`);
}

function runningPid(profile, service) {
  const file = pidFile(profile, service);
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8'));
  return pid && isAlive(pid) ? pid : undefined;
}

/** Apply every schema's migrations (idempotent). */
function migrate(stackEnv) {
  for (const app of MIGRATING) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'apps', app, 'dist', 'migrate.js')], {
      env: { ...process.env, ...stackEnv, ...localSecrets(profileOf(stackEnv)) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
}

/** Start one service detached, its output in .millrace/services/<profile>/<service>.log. */
function startService(profile, service, stackEnv, extra = {}) {
  const existing = runningPid(profile, service);
  if (existing) return existing;
  fs.mkdirSync(stateDir(profile), { recursive: true });
  const log = fs.openSync(path.join(stateDir(profile), `${service}.log`), 'a');
  // MILLRACE_NODE_ARGS passes flags to node itself, e.g. `--cpu-prof` for profiling.
  const nodeArgs = (extra.MILLRACE_NODE_ARGS ?? process.env.MILLRACE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(REPO_ROOT, 'apps', service, 'dist', 'main.js')], {
    env: serviceEnv(profile, service, stackEnv, extra),
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  fs.closeSync(log);
  fs.writeFileSync(pidFile(profile, service), String(child.pid));
  return child.pid;
}

function getJson(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
  });
}

/** Wait until `/health/ready` answers 200, or fail naming the service and its log. */
async function waitReady(profile, service, timeoutMs = 90000) {
  const url = `http://127.0.0.1:${portOf(profile, service)}/health/ready`;
  const deadline = Date.now() + timeoutMs;
  let last = { status: 0, body: '' };
  while (Date.now() < deadline) {
    last = await getJson(url);
    if (last.status === 200) return;
    const pid = runningPid(profile, service);
    if (!pid) throw new Error(`${service} exited during start-up; see ${path.join(stateDir(profile), `${service}.log`)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${service} not ready after ${timeoutMs} ms (last answer ${last.status} ${last.body.slice(0, 300)}); see ${path.join(stateDir(profile), `${service}.log`)}`);
}

async function startAll(profile, stackEnv, extraFor = () => ({})) {
  for (const service of SERVICES) startService(profile, service, stackEnv, extraFor(service));
  for (const service of SERVICES) await waitReady(profile, service);
}

/** SIGTERM (graceful: consumers stop pulling and drain), SIGKILL after the timeout. */
async function stopService(profile, service, { signal = 'SIGTERM', timeoutMs = 15000 } = {}) {
  const pid = runningPid(profile, service);
  if (pid) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + timeoutMs;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  }
  fs.rmSync(pidFile(profile, service), { force: true });
}

async function stopAll(profile) {
  for (const service of [...SERVICES].reverse()) await stopService(profile, service);
}

function urls(profile) {
  return {
    ingest: `http://127.0.0.1:${portOf(profile, 'ingest-gateway')}`,
    query: `http://127.0.0.1:${portOf(profile, 'query-api')}`,
    auth: `http://127.0.0.1:${portOf(profile, 'auth')}`,
  };
}

/** Create an organisation with an ingestion key, a read key and an admin service key through the auth CLI. */
/** The profile a stack's settings belong to, from its NATS port. */
function profileOf(stackEnv) {
  return String(stackEnv.NATS_URL).includes(':24222') ? 'test' : 'dev';
}

function createOrg(stackEnv, org) {
  const out = execFileSync(process.execPath, [
    path.join(REPO_ROOT, 'apps', 'auth', 'dist', 'cli.js'), 'create-org', '--org', org,
    '--ingest-key', `${org}-ingest`, '--read-key', `${org}-read`, '--admin-key', `${org}-admin`,
  ], { env: { ...process.env, ...stackEnv, ...localSecrets(profileOf(stackEnv)) }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

module.exports = {
  REPO_ROOT, SERVICES, MIGRATING, portOf, stateDir, urls, migrate, startService, startAll, waitReady,
  stopService, stopAll, runningPid, createOrg,
};
