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
const MIGRATING = ['auth', 'broker-router', 'alerter', 'archiver', 'query-api'];

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
 * Local secrets (auth's key-encryption key, the archive credentials' key) are generated once per
 * profile and kept in the git-ignored state folder, readable by the owner only. A key added
 * later is generated into an existing file.
 */
const LOCAL_SECRET_NAMES = ['AUTH_ENCRYPTION_KEY', 'ARCHIVE_ENCRYPTION_KEY'];
function localSecrets(profile) {
  const file = path.join(stateDir(profile), 'secrets.json');
  const secrets = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const missing = LOCAL_SECRET_NAMES.filter((name) => !secrets[name]);
  if (missing.length > 0) {
    fs.mkdirSync(stateDir(profile), { recursive: true });
    for (const name of missing) secrets[name] = require('node:crypto').randomBytes(32).toString('base64url');
    fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

/**
 * Archives on a single machine: filesystem destinations live under .millrace/archives/<profile>,
 * and S3 endpoints on loopback (a local S3-compatible server, tools/stack/s3.mjs) are allowed.
 */
function localArchiveEnv(profile) {
  return { ARCHIVE_FS_ROOT: path.join(REPO_ROOT, '.millrace', 'archives', profile), ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: 'true' };
}

/**
 * Alerts on a single machine: notifications link to the local query-api, and channels may reach
 * receivers on loopback (a local webhook or SMTP server).
 */
function localAlerterEnv(profile) {
  return { PUBLIC_QUERY_URL: `http://127.0.0.1:${portOf(profile, 'query-api')}`, CHANNEL_ALLOW_PRIVATE_NETWORKS: 'true' };
}

/**
 * The gateway's non-HTTP listeners on a single machine: syslog over TCP and UDP on base+514,
 * syslog over TLS on base+515 (a self-signed certificate made once per profile with openssl),
 * GELF over UDP on base+201.
 */
function gatewayPorts(profile) {
  const base = PORT_BASE[profile];
  return { syslogTcp: base + 514, syslogTls: base + 515, syslogUdp: base + 514, gelfUdp: base + 201 };
}

function localGatewayEnv(profile) {
  const ports = gatewayPorts(profile);
  const env = { SYSLOG_TCP_PORT: String(ports.syslogTcp), SYSLOG_UDP_PORT: String(ports.syslogUdp), GELF_UDP_PORT: String(ports.gelfUdp) };
  const dir = path.join(stateDir(profile), 'syslog-tls');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  if (!fs.existsSync(cert) || !fs.existsSync(key)) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
      fs.chmodSync(key, 0o600);
    } catch {
      return env; // no openssl: syslog over TLS stays off
    }
  }
  return { ...env, SYSLOG_TLS_PORT: String(ports.syslogTls), SYSLOG_TLS_CERT_FILE: cert, SYSLOG_TLS_KEY_FILE: key };
}

function serviceEnv(profile, service, stackEnv, extra = {}) {
  return {
    ...localSecrets(profile),
    ...localArchiveEnv(profile),
    ...localAlerterEnv(profile),
    ...(service === 'ingest-gateway' ? localGatewayEnv(profile) : {}),
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
  REPO_ROOT, SERVICES, MIGRATING, portOf, gatewayPorts, stateDir, urls, migrate, startService, startAll, waitReady,
  stopService, stopAll, runningPid, createOrg,
};
