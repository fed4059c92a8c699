// Starts and stops the nine Millrace services as local processes, for `npm start` and for the
// end-to-end tests. CommonJS so both the ESM CLI and Jest can require it.
//
// A clustered profile (tools/stack/profiles.json: services.replicas > 1) runs that many replicas
// of each REPLICATED service, each an instance of its own: `query-api` is replica 1 (the name the
// single-node profiles use), `query-api-2` replica 2, and so on. Every function taking a service
// name also takes an instance name; given a service name it acts on all its replicas.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const PROFILES = require('../stack/profiles.json');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Service names in start order: auth first (everyone verifies keys through it), the console last (it fronts auth and the query-api). */
const SERVICES = ['auth', 'broker-router', 'parser-worker', 'indexer', 'alerter', 'archiver', 'query-api', 'ingest-gateway', 'console'];
/** Apps owning a PostgreSQL schema; `dist/migrate.js` applies their migrations. */
const MIGRATING = ['auth', 'broker-router', 'alerter', 'archiver', 'query-api'];
/** The pipeline services, the query-api and auth: replicated in a clustered profile. */
const REPLICATED = ['ingest-gateway', 'broker-router', 'parser-worker', 'indexer', 'query-api', 'auth'];

const PORT_OFFSET = {
  'ingest-gateway': 80, 'query-api': 81, auth: 82, 'broker-router': 83, 'parser-worker': 84,
  indexer: 85, alerter: 86, archiver: 87, console: 88,
};
/** Replica r of a service listens r - 1 times this above replica 1 (HTTP and the gateway's other ports). */
const REPLICA_PORT_STEP = 10;

function profileDef(profile) {
  const def = PROFILES[profile];
  if (!def) throw new Error(`unknown profile "${profile}" (use one of: ${Object.keys(PROFILES).join(', ')})`);
  return def;
}

/** How many replicas of a service the profile runs. */
function replicasOf(profile, service) {
  return REPLICATED.includes(service) ? profileDef(profile).services.replicas : 1;
}

/** An instance name → { service, replica }: `query-api-2` is replica 2 of the query-api. */
function parseInstance(name) {
  if (SERVICES.includes(name)) return { service: name, replica: 1 };
  const m = /^(.+)-(\d+)$/.exec(name);
  if (m && SERVICES.includes(m[1]) && Number(m[2]) >= 1) return { service: m[1], replica: Number(m[2]) };
  throw new Error(`unknown service "${name}" (use one of: ${SERVICES.join(', ')}, or <service>-<replica>)`);
}

function instanceName(service, replica) {
  return replica === 1 ? service : `${service}-${replica}`;
}

/**
 * The instances a name stands for in a profile: a service name → all its replicas; an instance
 * name → that one. Each: { name, service, replica }.
 */
function instancesOf(profile, name) {
  const { service, replica } = parseInstance(name);
  const count = replicasOf(profile, service);
  if (name !== service) {
    if (replica > count) throw new Error(`profile ${profile} runs ${count} replica(s) of ${service}, not ${replica}`);
    return [{ name, service, replica }];
  }
  return Array.from({ length: count }, (_, i) => ({ name: instanceName(service, i + 1), service, replica: i + 1 }));
}

/** Every instance of the profile, in start order. */
function allInstances(profile) {
  return SERVICES.flatMap((service) => instancesOf(profile, service));
}

/** The HTTP port of a service's replica (`portOf(p, 'query-api', 2)` or `portOf(p, 'query-api-2')`). */
function portOf(profile, name, replica) {
  const parsed = parseInstance(name);
  const r = replica ?? parsed.replica;
  return profileDef(profile).services.portBase + PORT_OFFSET[parsed.service] + (r - 1) * REPLICA_PORT_STEP;
}

function stateDir(profile) {
  return path.join(REPO_ROOT, '.millrace', 'services', profile);
}

/**
 * Local secrets (auth's key-encryption key, the sealing key of stored secrets) are generated once per
 * profile and kept in the git-ignored state folder, readable by the owner only. A key added
 * later is generated into an existing file.
 */
const LOCAL_SECRET_NAMES = ['AUTH_ENCRYPTION_KEY', 'SEALING_KEY', 'CONSOLE_SESSION_SECRET'];
function localSecrets(profile) {
  const file = path.join(stateDir(profile), 'secrets.json');
  const secrets = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  // The archive credentials' key of earlier versions becomes the sealing key: what it sealed still opens.
  const renamed = !secrets.SEALING_KEY && Boolean(secrets.ARCHIVE_ENCRYPTION_KEY);
  if (renamed) secrets.SEALING_KEY = secrets.ARCHIVE_ENCRYPTION_KEY;
  delete secrets.ARCHIVE_ENCRYPTION_KEY;
  const missing = LOCAL_SECRET_NAMES.filter((name) => !secrets[name]);
  if (missing.length > 0 || renamed) {
    fs.mkdirSync(stateDir(profile), { recursive: true });
    for (const name of missing) secrets[name] = require('node:crypto').randomBytes(32).toString('base64url');
    fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

/**
 * Archives on a single machine: filesystem destinations live under .millrace/archives/<profile>.
 */
function localArchiveEnv(profile) {
  return { ARCHIVE_FS_ROOT: path.join(REPO_ROOT, '.millrace', 'archives', profile) };
}

/**
 * Outbound targets on a single machine: drains, alert channels and S3 endpoints may be on
 * loopback or the local network (a local webhook, SMTP, syslog or S3-compatible server). Every
 * service's own default refuses them; these local settings are the only place that allows
 * them, and cloud metadata and link-local addresses stay refused even so.
 */
const LOCAL_OUTBOUND_ENV = { DRAINS_ALLOW_PRIVATE_TARGETS: 'true', CHANNEL_ALLOW_PRIVATE_NETWORKS: 'true', ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: 'true' };

/** Alerts on a single machine: notifications link to the local query-api. */
function localAlerterEnv(profile) {
  return { PUBLIC_QUERY_URL: `http://127.0.0.1:${portOf(profile, 'query-api')}` };
}

/**
 * The gateway's non-HTTP listeners on a single machine: syslog over TCP and UDP on base+514,
 * syslog over TLS on base+515 (a self-signed certificate made once per profile with openssl),
 * GELF over UDP on base+201; replica r of the gateway on those + (r - 1) × 10.
 */
function gatewayPorts(profile, replica = 1) {
  const base = profileDef(profile).services.portBase + (replica - 1) * REPLICA_PORT_STEP;
  return { syslogTcp: base + 514, syslogTls: base + 515, syslogUdp: base + 514, gelfUdp: base + 201 };
}

function localGatewayEnv(profile, replica = 1) {
  const ports = gatewayPorts(profile, replica);
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

/**
 * The console on a single machine: it fronts replica 1 of auth and of the query-api, and its
 * getting-started page shows the local gateway's endpoints.
 */
function localConsoleEnv(profile) {
  const ports = gatewayPorts(profile);
  return {
    AUTH_URL: `http://127.0.0.1:${portOf(profile, 'auth')}`,
    QUERY_API_URL: `http://127.0.0.1:${portOf(profile, 'query-api')}`,
    CONSOLE_PUBLIC_INGEST_URL: `http://127.0.0.1:${portOf(profile, 'ingest-gateway')}`,
    CONSOLE_PUBLIC_SYSLOG_HOST: '127.0.0.1',
    CONSOLE_PUBLIC_SYSLOG_TCP_PORT: String(ports.syslogTcp),
    CONSOLE_PUBLIC_SYSLOG_TLS_PORT: String(ports.syslogTls),
  };
}

/**
 * The console serves apps/console-web/dist, made by `vite build` (the console-web project's
 * bundle target, part of `npm start` and `npm test`). A launcher that only ran `tsc -b` gets it
 * built here once. Where it cannot be built (a node_modules from before the console, without
 * vite: run `npm install`), the console is left out with a warning instead of failing the start
 * of every other service. Returns whether the page is there.
 */
function ensureConsoleBundle() {
  const index = path.join(REPO_ROOT, 'apps', 'console-web', 'dist', 'index.html');
  if (fs.existsSync(index)) return true;
  const vite = path.join(REPO_ROOT, 'node_modules', '.bin', 'vite');
  try {
    execFileSync(vite, ['build', '--logLevel', 'warn'], { cwd: path.join(REPO_ROOT, 'apps', 'console-web'), stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    process.stderr.write(`console: not started, its page could not be built (${error.code === 'ENOENT' ? 'vite is not installed: run npm install' : error.message})\n`);
    return false;
  }
  return fs.existsSync(index);
}

function serviceEnv(profile, name, stackEnv, extra = {}) {
  const { service, replica } = parseInstance(name);
  return {
    ...localSecrets(profile),
    ...localArchiveEnv(profile),
    ...localAlerterEnv(profile),
    ...LOCAL_OUTBOUND_ENV,
    ...(service === 'ingest-gateway' ? localGatewayEnv(profile, replica) : {}),
    ...(service === 'console' ? localConsoleEnv(profile) : {}),
    ...process.env,
    ...stackEnv,
    NODE_ENV: 'production',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(portOf(profile, name)),
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

function pidFile(profile, instance) {
  return path.join(stateDir(profile), `${instance}.pid`);
}

function logFile(profile, instance) {
  return path.join(stateDir(profile), `${instance}.log`);
}

/** The pid of a running instance (a service name: its replica 1), else undefined. */
function runningPid(profile, name) {
  const file = pidFile(profile, name);
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

/** Start one instance detached, its output in .millrace/services/<profile>/<instance>.log. */
function startInstance(profile, instance, stackEnv, extra) {
  const existing = runningPid(profile, instance.name);
  if (existing) return existing;
  if (instance.service === 'console' && !ensureConsoleBundle()) return undefined;
  fs.mkdirSync(stateDir(profile), { recursive: true });
  const log = fs.openSync(logFile(profile, instance.name), 'a');
  // MILLRACE_NODE_ARGS passes flags to node itself, e.g. `--cpu-prof` for profiling.
  const nodeArgs = (extra.MILLRACE_NODE_ARGS ?? process.env.MILLRACE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(REPO_ROOT, 'apps', instance.service, 'dist', 'main.js')], {
    env: serviceEnv(profile, instance.name, stackEnv, extra),
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  fs.closeSync(log);
  fs.writeFileSync(pidFile(profile, instance.name), String(child.pid));
  return child.pid;
}

/** Start a service (all its replicas) or one instance; returns the (first) pid. */
function startService(profile, name, stackEnv, extra = {}) {
  return instancesOf(profile, name).map((instance) => startInstance(profile, instance, stackEnv, extra))[0];
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

/** Wait until `/health/ready` answers 200 (every replica of a service), or fail naming the instance and its log. */
async function waitReady(profile, name, timeoutMs = 90000) {
  for (const instance of instancesOf(profile, name)) await waitInstanceReady(profile, instance.name, timeoutMs);
}

async function waitInstanceReady(profile, name, timeoutMs) {
  const url = `http://127.0.0.1:${portOf(profile, name)}/health/ready`;
  const deadline = Date.now() + timeoutMs;
  let last = { status: 0, body: '' };
  while (Date.now() < deadline) {
    last = await getJson(url);
    if (last.status === 200) return;
    const pid = runningPid(profile, name);
    if (!pid) throw new Error(`${name} exited during start-up; see ${logFile(profile, name)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} not ready after ${timeoutMs} ms (last answer ${last.status} ${last.body.slice(0, 300)}); see ${logFile(profile, name)}`);
}

async function startAll(profile, stackEnv, extraFor = () => ({})) {
  const started = SERVICES.filter((service) => startService(profile, service, stackEnv, extraFor(service)) !== undefined);
  for (const service of started) await waitReady(profile, service);
}

/** SIGTERM (graceful: consumers stop pulling and drain), SIGKILL after the timeout; every replica of a service. */
async function stopService(profile, name, { signal = 'SIGTERM', timeoutMs = 15000 } = {}) {
  await Promise.all(instancesOf(profile, name).map((instance) => stopInstance(profile, instance.name, { signal, timeoutMs })));
}

async function stopInstance(profile, name, { signal, timeoutMs }) {
  const pid = runningPid(profile, name);
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
  fs.rmSync(pidFile(profile, name), { force: true });
}

async function stopAll(profile) {
  for (const service of [...SERVICES].reverse()) await stopService(profile, service);
}

/** Replica 1's URLs: the gateway, the query-api, auth, the console. */
function urls(profile) {
  return {
    ingest: `http://127.0.0.1:${portOf(profile, 'ingest-gateway')}`,
    query: `http://127.0.0.1:${portOf(profile, 'query-api')}`,
    auth: `http://127.0.0.1:${portOf(profile, 'auth')}`,
    console: `http://127.0.0.1:${portOf(profile, 'console')}`,
  };
}

/** Every replica's URL of the gateway, the query-api and auth (one each in a single-node profile). */
function replicaUrls(profile) {
  const of = (service) => instancesOf(profile, service).map((i) => `http://127.0.0.1:${portOf(profile, i.name)}`);
  return { ingest: of('ingest-gateway'), query: of('query-api'), auth: of('auth') };
}

/** The profile a stack's settings belong to, from the port of its (first) NATS URL. */
function profileOf(stackEnv) {
  const port = Number(/:(\d+)/.exec(String(stackEnv.NATS_URL).split(',')[0])?.[1]);
  return Object.keys(PROFILES).find((p) => PROFILES[p].nats.client === port) ?? 'dev';
}

/** Create an organisation with an ingestion key, a read key and an admin service key through the auth CLI. */
function createOrg(stackEnv, org) {
  const out = execFileSync(process.execPath, [
    path.join(REPO_ROOT, 'apps', 'auth', 'dist', 'cli.js'), 'create-org', '--org', org,
    '--ingest-key', `${org}-ingest`, '--read-key', `${org}-read`, '--admin-key', `${org}-admin`,
  ], { env: { ...process.env, ...stackEnv, ...localSecrets(profileOf(stackEnv)) }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

/**
 * A user of an organisation with a password, through the auth CLI: the organisation's first owner
 * (`create-owner`), or, when it already has one and that is this user, the password set again
 * (`set-password`). The password travels in the environment, never on the command line.
 */
function createOwner(stackEnv, org, email, password) {
  const cli = path.join(REPO_ROOT, 'apps', 'auth', 'dist', 'cli.js');
  const env = { ...process.env, ...stackEnv, ...localSecrets(profileOf(stackEnv)), AUTH_BOOTSTRAP_OWNER_PASSWORD: password };
  try {
    return JSON.parse(execFileSync(process.execPath, [cli, 'create-owner', '--org', org, '--email', email], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop());
  } catch (error) {
    if (!/already has an owner/.test(String(error.stderr ?? ''))) throw error;
    return JSON.parse(execFileSync(process.execPath, [cli, 'set-password', '--email', email], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop());
  }
}

module.exports = {
  REPO_ROOT, PROFILES, SERVICES, MIGRATING, REPLICATED, portOf, gatewayPorts, stateDir, urls, replicaUrls, migrate,
  startService, startAll, waitReady, stopService, stopAll, runningPid, createOrg, createOwner, ensureConsoleBundle,
  replicasOf, instancesOf, allInstances, parseInstance, serviceEnv, profileOf, logFile,
};
