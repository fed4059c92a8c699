// The local stack: real NATS (JetStream), PostgreSQL and OpenSearch servers on 127.0.0.1,
// installed on first use and run detached, one set per profile (dev, test).
// Plain Node.js 20 ESM, standard library only. CLI: tools/stack/stack.mjs. Docs: README.md here.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---- Pinned versions: change them here (OpenSearch's is also in opensearch/pom.xml) ----------
export const VERSIONS = Object.freeze({
  // Built with `go install`; its go.mod asks for Go >= 1.25.
  natsServer: 'v2.12.15',
  natsServerMinGo: [1, 25],
  // Maven Central artifacts, run by opensearch/src/.../MillraceNode.java. 2.x runs on JDK 11-21.
  opensearch: '2.19.6',
  jdkMajors: [11, 21],
});

// ---- Profiles: own ports and own state folder each, so tests never meet a running dev stack --
export const PROFILES = Object.freeze({
  dev: { nats: 14222, natsMonitor: 18222, postgres: 15432, opensearchHttp: 19200, opensearchTransport: 19300 },
  test: { nats: 24222, natsMonitor: 28222, postgres: 25432, opensearchHttp: 29200, opensearchTransport: 29300 },
});

export const SERVER_NAMES = Object.freeze(['nats', 'postgres', 'opensearch']);

const HOST = '127.0.0.1';
const PG_ROLE = 'millrace'; // role, password and database
const PG_SYSTEM_USER = 'millrace-pg'; // PostgreSQL refuses to run as root
const OS_MAIN_CLASS = 'dev.millrace.stack.MillraceNode';
const OS_HEAP = ['-Xms512m', '-Xmx1g']; // the machine's memory is shared with the test suite

const TIMEOUT = Object.freeze({
  install: 20 * 60_000, // apt-get, go install, mvn on a cold machine
  command: 60_000,
  natsReady: 30_000,
  postgresStart: 90_000,
  opensearchReady: 180_000,
  stop: 30_000,
  portClose: 10_000,
  lock: 30 * 60_000,
});

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MILLRACE_DIR = path.join(REPO_ROOT, '.millrace');
const TOOLS_DIR = path.join(MILLRACE_DIR, 'tools');
const TOOLS_BIN = path.join(TOOLS_DIR, 'bin');
const OS_PROJECT = path.join(REPO_ROOT, 'tools', 'stack', 'opensearch');
const OS_TARGET = path.join(OS_PROJECT, 'target');

// ================================================================================================
// Public API
// ================================================================================================

/** Installs what is missing, starts the profile's servers, waits until ready, writes stack.env. */
export async function up(profile = 'dev', opts = {}) {
  const ctx = context(profile, opts);
  return withLock(ctx.lockDir, `stack ${profile}`, async () => {
    const states = await statusAll(ctx);
    const toStart = SERVER_NAMES.filter((name) => states[name].state !== 'running');
    if (toStart.length === 0) {
      ctx.log(`${profile}: all servers already running`);
    } else {
      await startServers(ctx, toStart, states);
    }
    const env = writeEnv(ctx);
    const versions = toStart.length ? writeVersions(ctx) : readVersions(ctx) ?? writeVersions(ctx);
    return { profile, env, versions, started: toStart };
  });
}

/** Stops every server of the profile; leaves its data in place. */
export async function down(profile = 'dev', opts = {}) {
  const ctx = context(profile, opts);
  return withLock(ctx.lockDir, `stack ${profile}`, async () => {
    await settleAll(SERVER_NAMES.map((name) => SERVERS[name].stop(ctx, opts)));
    return { profile, stopped: [...SERVER_NAMES] };
  });
}

/** Starts one server (nats | postgres | opensearch) of the profile if it is not running. */
export async function startOne(profile, name, opts = {}) {
  const ctx = context(profile, opts);
  checkServerName(name);
  return withLock(ctx.lockDir, `stack ${profile}`, async () => {
    const states = await statusAll(ctx);
    if (states[name].state === 'running') ctx.log(`${name} already running`);
    else await startServers(ctx, [name], states);
    writeVersions(ctx);
    return writeEnv(ctx);
  });
}

/** Stops one server; `opts.hard` kills it abruptly (SIGKILL / immediate) to simulate a crash. */
export async function stopOne(profile, name, opts = {}) {
  const ctx = context(profile, opts);
  checkServerName(name);
  return withLock(ctx.lockDir, `stack ${profile}`, () => SERVERS[name].stop(ctx, opts));
}

/** Reports each server: running | stopped | starting (process up, port not yet) | foreign. */
export async function status(profile = 'dev', opts = {}) {
  const ctx = context(profile, opts);
  const states = await statusAll(ctx);
  return SERVER_NAMES.map((name) => ({ name, ...states[name], log: ctx.logFile(name) }));
}

/** The connection settings written by `up`: { NATS_URL, DATABASE_URL, OPENSEARCH_URL }. */
export function readEnv(profile = 'dev') {
  const file = path.join(stateDir(profile), 'stack.json');
  if (!fs.existsSync(file)) {
    throw new Error(`no ${file}; start the stack first: node tools/stack/stack.mjs up --profile ${profile}`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The URLs of a profile, whether or not it runs. */
export function connectionSettings(profile = 'dev') {
  const p = profileOf(profile);
  return {
    NATS_URL: `nats://${HOST}:${p.nats}`,
    DATABASE_URL: `postgres://${PG_ROLE}:${PG_ROLE}@${HOST}:${p.postgres}/${PG_ROLE}`,
    OPENSEARCH_URL: `http://${HOST}:${p.opensearchHttp}`,
  };
}

// ================================================================================================
// Orchestration
// ================================================================================================

function context(profile, opts = {}) {
  const ports = profileOf(profile);
  const state = stateDir(profile);
  const log = opts.log ?? ((msg) => process.stderr.write(`[stack] ${msg}\n`));
  return {
    profile,
    ports,
    state,
    log,
    lockDir: path.join(state, '.lock'),
    pidFile: (name) => path.join(state, 'pids', `${name}.pid`),
    logFile: (name) => path.join(state, 'logs', `${name}.log`),
    versions: {}, // filled by the installers, written to versions.json
  };
}

function profileOf(profile) {
  const p = PROFILES[profile];
  if (!p) throw new Error(`unknown profile "${profile}" (use one of: ${Object.keys(PROFILES).join(', ')})`);
  return p;
}

function stateDir(profile) {
  profileOf(profile);
  return path.join(MILLRACE_DIR, 'stack', profile);
}

function checkServerName(name) {
  if (!SERVER_NAMES.includes(name)) throw new Error(`unknown server "${name}" (use one of: ${SERVER_NAMES.join(', ')})`);
}

async function statusAll(ctx) {
  const entries = await Promise.all(SERVER_NAMES.map(async (name) => [name, await SERVERS[name].status(ctx)]));
  return Object.fromEntries(entries);
}

async function startServers(ctx, names, states) {
  for (const dir of ['logs', 'pids']) fs.mkdirSync(path.join(ctx.state, dir), { recursive: true });
  const started = Date.now();
  // Each server installs and starts on its own, so a slow build of one does not hold up the others.
  await settleAll(
    names.map(async (name) => {
      const { state, pid } = states[name];
      if (state === 'foreign') {
        throw new Error(`${name}: port ${SERVERS[name].port(ctx)} is taken by a process this stack did not start (see: ss -ltnp)`);
      }
      if (state === 'starting') {
        ctx.log(`${name}: process ${pid} is up but not answering yet; waiting for it`);
        return SERVERS[name].waitReady(ctx, pid);
      }
      const t0 = Date.now();
      await SERVERS[name].start(ctx);
      ctx.log(`${name}: ready in ${seconds(Date.now() - t0)}`);
    }),
  );
  ctx.log(`${ctx.profile}: started ${names.join(', ')} in ${seconds(Date.now() - started)}`);
}

/** Awaits all promises; throws one error naming every failure once all have settled. */
async function settleAll(promises) {
  const results = await Promise.allSettled(promises);
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason?.message ?? String(r.reason));
  if (failures.length) throw new Error(failures.join('\n'));
  return results.map((r) => r.value);
}

function writeEnv(ctx) {
  const env = connectionSettings(ctx.profile);
  fs.mkdirSync(ctx.state, { recursive: true });
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  writeFileAtomic(path.join(ctx.state, 'stack.env'), `${lines.join('\n')}\n`);
  writeFileAtomic(path.join(ctx.state, 'stack.json'), `${JSON.stringify(env, null, 2)}\n`);
  return env;
}

function readVersions(ctx) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ctx.state, 'versions.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Merges what this run learnt into versions.json (servers left running keep their entry). */
function writeVersions(ctx) {
  const merged = { ...(readVersions(ctx) ?? {}), ...ctx.versions };
  const order = ['nats-server', 'postgresql', 'opensearch', 'jdk'];
  const versions = Object.fromEntries(order.filter((k) => k in merged).map((k) => [k, merged[k]]));
  writeFileAtomic(path.join(ctx.state, 'versions.json'), `${JSON.stringify(versions, null, 2)}\n`);
  return versions;
}

// ================================================================================================
// NATS
// ================================================================================================

const nats = {
  port: (ctx) => ctx.ports.nats,

  async status(ctx) {
    return processStatus(ctx.pidFile('nats'), natsMarker(ctx), ctx.ports.nats);
  },

  async start(ctx) {
    const { bin } = await ensureNats(ctx);
    const dir = path.join(ctx.state, 'nats');
    fs.mkdirSync(dir, { recursive: true });
    const conf = path.join(dir, 'nats.conf');
    fs.writeFileSync(conf, natsConfig(ctx, dir));
    const pid = spawnDetached(bin, ['-c', conf], { cwd: dir, logFile: ctx.logFile('nats'), pidFile: ctx.pidFile('nats') });
    await this.waitReady(ctx, pid);
  },

  waitReady(ctx, pid) {
    const url = `http://${HOST}:${ctx.ports.natsMonitor}/healthz?js-enabled-only=true`;
    return waitFor('NATS', async () => (await httpGet(url)).status === 200, {
      timeoutMs: TIMEOUT.natsReady,
      pid,
      logFile: ctx.logFile('nats'),
    });
  },

  async stop(ctx, opts = {}) {
    if (!(await stopProcess(ctx, 'nats', natsMarker(ctx), ctx.ports.nats, opts))) ctx.log('nats: not running');
  },
};

// What this profile's nats-server has in /proc/<pid>/cmdline (its config file is per profile).
function natsMarker(ctx) {
  return ['nats-server', `-c ${path.join(ctx.state, 'nats', 'nats.conf')}`];
}

function natsConfig(ctx, dir) {
  return [
    '# Written by tools/stack/stack-lib.mjs at every start; edits are overwritten.',
    `server_name: "millrace-${ctx.profile}"`,
    `listen: "${HOST}:${ctx.ports.nats}"`,
    `http: "${HOST}:${ctx.ports.natsMonitor}"`,
    '# File storage in the state dir, so streams survive stop-one/start-one.',
    `jetstream {\n  store_dir: "${dir}"\n}`,
    '',
  ].join('\n');
}

/** nats-server at the pinned version in .millrace/tools/bin (go install), else Debian's package. */
async function ensureNats(ctx) {
  const bin = path.join(TOOLS_BIN, 'nats-server');
  const version = await natsVersion(bin);
  if (version === VERSIONS.natsServer) return recordNats(ctx, bin, version);

  return withLock(path.join(TOOLS_DIR, 'locks', 'nats-server'), 'nats-server install', async () => {
    const again = await natsVersion(bin); // another process may have built it while we waited
    if (again === VERSIONS.natsServer) return recordNats(ctx, bin, again);

    const go = await ensureGo(ctx);
    if (go.fits) {
      ctx.log(`building nats-server ${VERSIONS.natsServer} with ${go.version} (go install, first run only)`);
      fs.mkdirSync(TOOLS_BIN, { recursive: true });
      await run(go.bin, ['install', `github.com/nats-io/nats-server/v2@${VERSIONS.natsServer}`], {
        // GOTOOLCHAIN=local: build with the Go that is here rather than fetching another one.
        env: { GOBIN: TOOLS_BIN, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
        timeoutMs: TIMEOUT.install,
      });
      return recordNats(ctx, bin, await natsVersion(bin));
    }

    const [major, minor] = VERSIONS.natsServerMinGo;
    ctx.log(`WARNING: ${go.version} is older than the Go ${major}.${minor} nats-server ${VERSIONS.natsServer} needs; using Debian's nats-server package instead`);
    if (!which('nats-server')) await aptInstall(ctx, ['nats-server'], 'NATS server');
    const debian = which('nats-server');
    return recordNats(ctx, debian, await natsVersion(debian));
  });
}

function recordNats(ctx, bin, version) {
  if (!version) throw new Error(`nats-server: no working binary at ${bin}`);
  ctx.versions['nats-server'] = version;
  return { bin, version };
}

async function natsVersion(bin) {
  if (!bin || !fs.existsSync(bin)) return null;
  const { stdout, stderr } = await run(bin, ['--version'], { allowFail: true });
  return /v\d+\.\d+\.\d+\S*/.exec(stdout + stderr)?.[0] ?? null;
}

async function ensureGo(ctx) {
  const find = () => which('go') ?? existing(['/usr/local/go/bin/go', '/usr/lib/go/bin/go']);
  let bin = find();
  if (!bin) {
    await aptInstall(ctx, ['golang-go'], 'Go, to build nats-server');
    bin = find();
  }
  if (!bin) throw new Error('go: not found after apt-get install golang-go');
  const { stdout } = await run(bin, ['version']);
  const m = /go(\d+)\.(\d+)(\.\d+)?/.exec(stdout);
  const [minMajor, minMinor] = VERSIONS.natsServerMinGo;
  const fits = !!m && (Number(m[1]) > minMajor || (Number(m[1]) === minMajor && Number(m[2]) >= minMinor));
  const version = m?.[0] ?? stdout.trim();
  return { bin, version, fits };
}

// ================================================================================================
// PostgreSQL
// ================================================================================================

const postgres = {
  port: (ctx) => ctx.ports.postgres,

  async status(ctx) {
    const paths = pgPaths(ctx);
    return processStatus(path.join(paths.data, 'postmaster.pid'), pgMarker(paths), ctx.ports.postgres);
  },

  async start(ctx) {
    const pg = await ensurePostgres(ctx);
    const paths = pgPaths(ctx);
    const owner = await ensurePgOwner(ctx, paths);
    if (!fs.existsSync(path.join(paths.data, 'PG_VERSION'))) await initCluster(ctx, pg, paths, owner);
    checkClusterVersion(pg, paths);
    writePgConfig(ctx, paths, owner);

    const logFile = ctx.logFile('postgres');
    rotateLog(logFile);
    fs.appendFileSync(logFile, '');
    chown(logFile, owner); // pg_ctl, running as the owner, appends the server's output to it
    // pg_ctl -w returns once the server accepts connections; the postmaster runs in its own session.
    await runAs(owner, path.join(pg.binDir, 'pg_ctl'), ['-D', paths.data, '-l', logFile, '-w', '-t', '60', 'start'], {
      cwd: paths.root,
      timeoutMs: TIMEOUT.postgresStart,
      what: `PostgreSQL did not start (see ${logFile})`,
    });
    await bootstrapDatabase(ctx, pg, paths);
  },

  async waitReady(ctx, pid) {
    const pg = await ensurePostgres(ctx);
    const isReady = path.join(pg.binDir, 'pg_isready');
    await waitFor(
      'PostgreSQL',
      async () => (await run(isReady, ['-q', '-h', HOST, '-p', String(ctx.ports.postgres)], { allowFail: true })).code === 0,
      { timeoutMs: TIMEOUT.postgresStart, pid, logFile: ctx.logFile('postgres') },
    );
  },

  async stop(ctx, opts = {}) {
    const paths = pgPaths(ctx);
    const pidFile = path.join(paths.data, 'postmaster.pid');
    const pid = ourPid(pidFile, pgMarker(paths)) ?? findProcesses(pgMarker(paths))[0];
    const binDir = findPgBinDir(paths);
    if (pid && binDir) {
      const mode = opts.hard ? 'immediate' : 'fast';
      ctx.log(`postgres: stopping pid ${pid} (pg_ctl stop -m ${mode})`);
      await runAs(userOfUid(fs.statSync(paths.data).uid), path.join(binDir, 'pg_ctl'), ['-D', paths.data, 'stop', '-m', mode, '-w', '-t', '30'], {
        cwd: paths.root,
        timeoutMs: TIMEOUT.stop + 5_000,
        allowFail: true, // checked below: what pg_ctl did not stop goes by signal
      });
    }
    const killed = await stopProcess(ctx, 'postgres', pgMarker(paths), ctx.ports.postgres, { ...opts, pidFile, keepPidFile: true });
    if (!pid && !killed) ctx.log('postgres: not running');
  },
};

// The postmaster keeps its command line (`.../postgres -D <data>`); pg_ctl's differs.
function pgMarker(paths) {
  return [`${path.sep}postgres -D ${paths.data}`];
}

function pgPaths(ctx) {
  const root = path.join(ctx.state, 'postgres');
  return { root, data: path.join(root, 'data'), sockets: pgSocketDir(ctx, root) };
}

// A Unix socket path must fit in 107 bytes; a deep checkout falls back to a short /tmp folder.
function pgSocketDir(ctx, root) {
  const inState = path.join(root, 'run');
  if (`${inState}/.s.PGSQL.${ctx.ports.postgres}`.length < 100) return inState;
  const hash = crypto.createHash('sha1').update(root).digest('hex').slice(0, 8);
  return path.join('/tmp', `millrace-pg-${ctx.profile}-${hash}`);
}

/** The newest PostgreSQL server binaries on the machine (apt-get install postgresql if none). */
async function ensurePostgres(ctx) {
  const paths = pgPaths(ctx);
  let binDir = findPgBinDir(paths);
  if (!binDir) {
    await aptInstall(ctx, ['postgresql'], 'PostgreSQL server');
    binDir = findPgBinDir(paths);
  }
  if (!binDir) throw new Error('PostgreSQL: initdb/pg_ctl not found after apt-get install postgresql');
  const { stdout } = await run(path.join(binDir, 'postgres'), ['--version']);
  const version = /(\d+(?:\.\d+)?)/.exec(stdout)?.[1] ?? stdout.trim();
  ctx.versions.postgresql = version;
  return { binDir, version, major: version.split('.')[0] };
}

// Prefers the major version an existing cluster was made with, then the newest installed.
function findPgBinDir(paths) {
  const hasTools = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(dir, b)));
  const base = '/usr/lib/postgresql';
  const majors = safeReaddir(base).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  const clusterMajor = readText(path.join(paths.data, 'PG_VERSION'))?.trim();
  if (clusterMajor) majors.unshift(clusterMajor);
  for (const major of majors) {
    const dir = path.join(base, major, 'bin');
    if (hasTools(dir)) return dir;
  }
  const initdb = which('initdb');
  return initdb && hasTools(path.dirname(fs.realpathSync(initdb))) ? path.dirname(fs.realpathSync(initdb)) : null;
}

function checkClusterVersion(pg, paths) {
  const clusterMajor = readText(path.join(paths.data, 'PG_VERSION'))?.trim();
  if (clusterMajor && clusterMajor !== pg.major) {
    throw new Error(`PostgreSQL: ${paths.data} was made by PostgreSQL ${clusterMajor} but only ${pg.major} is installed; remove ${paths.root} to start afresh`);
  }
}

/** Running as root: the cluster belongs to a system user, created here if missing. */
async function ensurePgOwner(ctx, paths) {
  let owner = null;
  if (isRoot()) {
    if (!userEntry(PG_SYSTEM_USER)) {
      ctx.log(`creating system user ${PG_SYSTEM_USER} to run PostgreSQL (it refuses to run as root)`);
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', PG_SYSTEM_USER], { allowFail: true });
    }
    owner = userEntry(PG_SYSTEM_USER) ?? userEntry('postgres');
    if (!owner) throw new Error(`PostgreSQL: could not create the system user ${PG_SYSTEM_USER}`);
  }
  for (const dir of [paths.root, paths.sockets]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    chown(dir, owner);
    fs.chmodSync(dir, 0o700);
  }
  if (owner) ensureTraversable(paths.root, owner);
  return owner;
}

async function initCluster(ctx, pg, paths, owner) {
  ctx.log(`PostgreSQL: creating a cluster in ${paths.data}`);
  const pwfile = path.join(paths.root, 'initdb.pw');
  fs.writeFileSync(pwfile, `${PG_ROLE}\n`, { mode: 0o600 });
  chown(pwfile, owner);
  try {
    await runAs(owner, path.join(pg.binDir, 'initdb'), [
      '-D', paths.data,
      '-U', 'postgres',
      '--pwfile', pwfile,
      // Trust only on the Unix socket (a private folder); passwords (SCRAM) over TCP.
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E', 'UTF8',
      '--locale=C.UTF-8',
    ], { cwd: paths.root, timeoutMs: TIMEOUT.command, what: 'initdb failed' });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  fs.appendFileSync(path.join(paths.data, 'postgresql.conf'), "\n# Millrace: settings managed by tools/stack\ninclude_if_exists = 'millrace.conf'\n");
}

/** Ports and sockets come from the profile, so they are rewritten at every start. */
function writePgConfig(ctx, paths, owner) {
  const lines = [
    '# Written by tools/stack/stack-lib.mjs at every start; edits are overwritten.',
    `listen_addresses = '${HOST}'`,
    `port = ${ctx.ports.postgres}`,
    `unix_socket_directories = '${paths.sockets}'`,
    'max_connections = 200',
    'shared_buffers = 128MB',
  ];
  if (ctx.profile === 'test') {
    // Test data is throwaway: skip flushing to disk. A clean stop/start still keeps everything.
    lines.push('fsync = off', 'synchronous_commit = off', 'full_page_writes = off');
  }
  const file = path.join(paths.data, 'millrace.conf');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  chown(file, owner);
}

/** Role and database `millrace` (password `millrace`); idempotent, run at every start. */
async function bootstrapDatabase(ctx, pg, paths) {
  const psql = path.join(pg.binDir, 'psql');
  const sql = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_ROLE}') THEN
    CREATE ROLE ${PG_ROLE} LOGIN SUPERUSER CREATEDB PASSWORD '${PG_ROLE}';
  END IF;
END $$;
SELECT 'CREATE DATABASE ${PG_ROLE} OWNER ${PG_ROLE}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${PG_ROLE}')\\gexec
`;
  await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', paths.sockets, '-p', String(ctx.ports.postgres), '-U', 'postgres', '-d', 'postgres'], {
    input: sql,
    what: 'PostgreSQL: creating role/database failed',
  });
  // The real check: log in over TCP with the URL the services will use.
  const { stdout } = await run(psql, ['-X', '-Atq', connectionSettings(ctx.profile).DATABASE_URL, '-c', 'select 1'], {
    env: { PGCONNECT_TIMEOUT: '5' },
    what: 'PostgreSQL: login with DATABASE_URL failed',
  });
  if (stdout.trim() !== '1') throw new Error(`PostgreSQL: unexpected answer to select 1: ${stdout}`);
}

// ================================================================================================
// OpenSearch
// ================================================================================================

const opensearch = {
  port: (ctx) => ctx.ports.opensearchHttp,

  async status(ctx) {
    return processStatus(ctx.pidFile('opensearch'), osMarker(ctx), ctx.ports.opensearchHttp);
  },

  async start(ctx) {
    const jdk = await ensureJava(ctx);
    await ensureOpenSearchBuild(ctx, jdk);
    const home = osHome(ctx);
    for (const dir of ['data', 'logs', 'tmp']) fs.mkdirSync(path.join(home, dir), { recursive: true });
    const classpath = `${path.join(OS_TARGET, 'classes')}:${path.join(OS_TARGET, 'dependency', '*')}`;
    const args = [...jvmOptions(ctx, jdk), '-cp', classpath, OS_MAIN_CLASS, ...nodeSettings(ctx)];
    const pid = spawnDetached(jdk.java, args, { cwd: home, logFile: ctx.logFile('opensearch'), pidFile: ctx.pidFile('opensearch') });
    await this.waitReady(ctx, pid);
  },

  waitReady(ctx, pid) {
    const url = `http://${HOST}:${ctx.ports.opensearchHttp}/_cluster/health?wait_for_status=yellow&timeout=2s`;
    return waitFor(
      'OpenSearch',
      async () => {
        const res = await httpGet(url, 5_000);
        return res.status === 200 && /"status":"(green|yellow)"/.test(res.body);
      },
      { timeoutMs: TIMEOUT.opensearchReady, intervalMs: 500, pid, logFile: ctx.logFile('opensearch') },
    );
  },

  async stop(ctx, opts = {}) {
    if (!(await stopProcess(ctx, 'opensearch', osMarker(ctx), ctx.ports.opensearchHttp, opts))) ctx.log('opensearch: not running');
  },
};

// The launcher class and this profile's path.home, both on the java command line.
function osMarker(ctx) {
  return [OS_MAIN_CLASS, `path.home=${osHome(ctx)}`];
}

function osHome(ctx) {
  return path.join(ctx.state, 'opensearch');
}

function nodeSettings(ctx) {
  const home = osHome(ctx);
  const name = `millrace-${ctx.profile}`;
  return [
    `path.home=${home}`,
    `path.data=${path.join(home, 'data')}`,
    `path.logs=${path.join(home, 'logs')}`,
    `cluster.name=${name}`,
    `node.name=${name}`,
    `network.host=${HOST}`,
    `http.port=${ctx.ports.opensearchHttp}`,
    `transport.port=${ctx.ports.opensearchTransport}`,
    'discovery.type=single-node',
    // A nearly full disk must not turn indices read-only under the tests.
    'cluster.routing.allocation.disk.threshold_enabled=false',
    // Tests create many small (one-shard) indices; the default 1000 per node is reached quickly.
    'cluster.max_shards_per_node=10000',
  ];
}

function jvmOptions(ctx, jdk) {
  const home = osHome(ctx);
  return [
    ...OS_HEAP,
    '-XX:+UseG1GC',
    '-XX:G1ReservePercent=25',
    '-XX:InitiatingHeapOccupancyPercent=30',
    `-Djava.io.tmpdir=${path.join(home, 'tmp')}`,
    `-XX:ErrorFile=${path.join(home, 'logs', 'hs_err_pid%p.log')}`,
    '-XX:+ShowCodeDetailsInExceptionMessages',
    '-Dfile.encoding=UTF-8',
    '-Djava.awt.headless=true',
    '-Djna.nosys=true',
    // What OpenSearch 2.x's own launcher sets for every node.
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dio.netty.allocator.numDirectArenas=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    '-Dlog4j2.formatMsgNoLookups=true',
    ...(jdk.major <= 22 ? ['-Djava.locale.providers=SPI,COMPAT'] : []),
    `-Dlog4j.configurationFile=${path.join(OS_PROJECT, 'log4j2.xml')}`,
  ];
}

/** A JDK whose major version OpenSearch 2.x supports: `java` on PATH, then /usr/lib/jvm, then apt. */
async function ensureJava(ctx) {
  let jdk = await findJdk();
  if (!jdk) {
    await aptInstall(ctx, ['openjdk-17-jdk-headless'], 'a JDK for OpenSearch');
    jdk = await findJdk();
  }
  const [lo, hi] = VERSIONS.jdkMajors;
  if (!jdk) throw new Error(`OpenSearch: no JDK ${lo}-${hi} with javac found, even after apt-get install openjdk-17-jdk-headless`);
  ctx.versions.jdk = jdk.version;
  return jdk;
}

async function findJdk() {
  const [lo, hi] = VERSIONS.jdkMajors;
  const jvmDir = '/usr/lib/jvm';
  const candidates = [which('java'), ...safeReaddir(jvmDir).sort().reverse().map((d) => path.join(jvmDir, d, 'bin', 'java'))];
  const seen = new Set();
  for (const candidate of candidates) {
    if (!candidate || !fs.existsSync(candidate)) continue;
    const java = fs.realpathSync(candidate);
    if (seen.has(java)) continue;
    seen.add(java);
    const home = path.dirname(path.dirname(java));
    if (!fs.existsSync(path.join(home, 'bin', 'javac'))) continue; // a JRE cannot build the launcher
    const { stdout, stderr } = await run(java, ['-version'], { allowFail: true });
    const m = /version "((\d+)[^"]*)"/.exec(stdout + stderr);
    const major = m ? Number(m[2]) : 0;
    if (major >= lo && major <= hi) return { java, home, version: m[1], major };
  }
  return null;
}

/** Builds the launcher and copies its jars when the pom or sources changed (or target/ is gone). */
async function ensureOpenSearchBuild(ctx, jdk) {
  const pom = fs.readFileSync(path.join(OS_PROJECT, 'pom.xml'), 'utf8');
  if (!pom.includes(`<opensearch.version>${VERSIONS.opensearch}</opensearch.version>`)) {
    throw new Error(`OpenSearch: tools/stack/opensearch/pom.xml does not pin ${VERSIONS.opensearch} like VERSIONS.opensearch in stack-lib.mjs`);
  }
  const stampFile = path.join(OS_TARGET, '.millrace-build');
  const isBuilt = () =>
    readText(stampFile) === buildFingerprint() &&
    fs.existsSync(path.join(OS_TARGET, 'classes', ...OS_MAIN_CLASS.split('.')) + '.class') &&
    builtOpenSearchVersion() !== null;

  if (!isBuilt()) {
    await withLock(path.join(TOOLS_DIR, 'locks', 'opensearch-build'), 'OpenSearch build', async () => {
      if (isBuilt()) return;
      if (!which('mvn')) await aptInstall(ctx, ['maven'], 'Maven, to build the OpenSearch launcher');
      const mvn = which('mvn');
      if (!mvn) throw new Error('OpenSearch: mvn not found after apt-get install maven');
      ctx.log(`building the OpenSearch ${VERSIONS.opensearch} launcher with Maven (first run, or the pom changed)`);
      fs.rmSync(path.join(OS_TARGET, 'dependency'), { recursive: true, force: true }); // no stale jars of an older version
      await run(mvn, ['-q', '-B', 'package', 'dependency:copy-dependencies'], {
        cwd: OS_PROJECT,
        env: { JAVA_HOME: jdk.home },
        timeoutMs: TIMEOUT.install,
        what: 'OpenSearch: mvn build failed',
      });
      fs.writeFileSync(stampFile, buildFingerprint());
    });
  }
  ctx.versions.opensearch = builtOpenSearchVersion();
}

function buildFingerprint() {
  const hash = crypto.createHash('sha256');
  const files = [path.join(OS_PROJECT, 'pom.xml'), ...listFiles(path.join(OS_PROJECT, 'src'))].sort();
  for (const file of files) hash.update(`${path.relative(OS_PROJECT, file)}\0`).update(fs.readFileSync(file));
  return hash.digest('hex');
}

// The version actually on the classpath, read off the copied jar's name.
function builtOpenSearchVersion() {
  for (const jar of safeReaddir(path.join(OS_TARGET, 'dependency'))) {
    const m = /^opensearch-(\d+\.\d+\.\d+)\.jar$/.exec(jar);
    if (m) return m[1];
  }
  return null;
}

const SERVERS = { nats, postgres, opensearch };

// ================================================================================================
// Processes
// ================================================================================================

/**
 * running: our process (pid file + marker in its command line) and its port answers.
 * starting: our process, port not answering yet. foreign: port taken by someone else.
 */
async function processStatus(pidFile, marker, port) {
  const pid = ourPid(pidFile, marker) ?? findProcesses(marker)[0] ?? null;
  const open = await portOpen(port);
  if (pid) return { state: open ? 'running' : 'starting', pid, port };
  return { state: open ? 'foreign' : 'stopped', pid: null, port };
}

function spawnDetached(cmd, args, { cwd, logFile, pidFile }) {
  rotateLog(logFile);
  const fd = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(fd, `\n==== ${new Date().toISOString()} starting: ${cmd} ${args.join(' ')}\n`);
    // detached: own session, so the server outlives this process and its terminal.
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
    child.once('error', (err) => fs.appendFileSync(logFile, `spawn failed: ${err.message}\n`));
    if (!child.pid) throw new Error(`could not start ${cmd}; see ${logFile}`);
    fs.mkdirSync(path.dirname(pidFile), { recursive: true });
    fs.writeFileSync(pidFile, `${child.pid}\n`);
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * SIGTERM (or SIGKILL when hard), wait, SIGKILL fallback; then the port must be closed.
 * Returns how many processes it stopped.
 */
async function stopProcess(ctx, name, marker, port, opts = {}) {
  const pidFile = opts.pidFile ?? ctx.pidFile(name);
  const pids = new Set([ourPid(pidFile, marker), ...findProcesses(marker)].filter(Boolean));
  for (const pid of pids) {
    ctx.log(`${name}: stopping pid ${pid}${opts.hard ? ' (SIGKILL)' : ''}`);
    await killAndWait(pid, opts.hard ? 'SIGKILL' : 'SIGTERM', TIMEOUT.stop);
  }
  if (!opts.keepPidFile) fs.rmSync(pidFile, { force: true });
  const closed = await waitFor(`${name} port ${port} to close`, async () => !(await portOpen(port)), {
    timeoutMs: TIMEOUT.portClose,
    logFile: ctx.logFile(name),
  }).then(() => true, () => false);
  if (!closed) throw new Error(`${name}: port ${port} still answers after stopping; another process listens there (see: ss -ltnp)`);
  return pids.size;
}

async function killAndWait(pid, signal, timeoutMs) {
  const children = childPids(pid);
  signalPid(pid, signal);
  const gone = await waitUntil(() => !pidAlive(pid), timeoutMs);
  if (!gone) {
    signalPid(pid, 'SIGKILL');
    await waitUntil(() => !pidAlive(pid), 5_000);
  }
  // Children of a killed parent (PostgreSQL backends) must not linger either.
  for (const child of children) if (pidAlive(child)) signalPid(child, 'SIGKILL');
  if (pidAlive(pid)) throw new Error(`process ${pid} survived SIGKILL`);
}

function signalPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

/** The pid in the file, if that process is alive and really ours (pids get reused). */
function ourPid(pidFile, marker) {
  const pid = readPid(pidFile);
  return pid && pidAlive(pid) && isOurs(pid, marker) ? pid : null;
}

/** Live processes with this profile's server command line (catches lost pid files). */
function findProcesses(marker) {
  return safeReaddir('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => pid !== process.pid && isOurs(pid, marker) && pidAlive(pid));
}

function isOurs(pid, marker) {
  const line = cmdline(pid);
  return marker.every((part) => line.includes(part));
}

function childPids(pid) {
  return safeReaddir('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => procStat(p)?.ppid === pid);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z'; // a zombie has exited already
}

function procStat(pid) {
  const text = readText(`/proc/${pid}/stat`);
  if (!text) return null;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' '); // the name may contain spaces
  return { state: fields[0], ppid: Number(fields[1]) };
}

function cmdline(pid) {
  return (readText(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');
}

function readPid(file) {
  const pid = Number.parseInt(readText(file) ?? '', 10); // postmaster.pid: the pid is its first line
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function rotateLog(file, maxBytes = 50 * 1024 * 1024) {
  try {
    if (fs.statSync(file).size > maxBytes) fs.renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
}

// ================================================================================================
// Commands, waiting, locking, installing
// ================================================================================================

/**
 * Runs a command to completion, capturing its output, killing it after timeoutMs.
 * Rejects on a non-zero exit unless allowFail; the error carries the output's tail.
 */
function run(cmd, args, { cwd, env, input, timeoutMs = TIMEOUT.command, allowFail = false, what } = {}) {
  const label = what ?? `${path.basename(cmd)} ${args.join(' ')}`.slice(0, 200);
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      if (allowFail) resolve({ code: -1, stdout, stderr: err.message });
      else reject(new Error(`${label}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new Error(`${label}: timed out after ${seconds(timeoutMs)}`));
      if (code !== 0 && !allowFail) return reject(new Error(`${label} (exit ${code ?? signal}):\n${tail(stderr || stdout)}`));
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(input ?? '');
  });
}

function runAs(owner, cmd, args, opts) {
  if (!owner || !isRoot()) return run(cmd, args, opts);
  const runuser = which('runuser') ?? existing(['/usr/sbin/runuser', '/sbin/runuser']);
  if (!runuser) throw new Error('runuser not found (util-linux); needed to run PostgreSQL as a non-root user');
  return run(runuser, ['-u', owner.name, '--', cmd, ...args], opts);
}

/** Polls check() until true; fails naming the server and its log, early if its process died. */
async function waitFor(what, check, { timeoutMs, intervalMs = 250, pid, logFile }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (pid && !pidAlive(pid)) throw new Error(`${what} exited while starting; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${seconds(timeoutMs)}; see ${logFile}`);
    await sleep(intervalMs);
  }
}

async function waitUntil(predicate, timeoutMs, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(intervalMs);
  }
  return predicate();
}

/**
 * A cross-process lock: a directory that only one mkdir can create. A lock whose owner
 * process died is taken over, so an interrupted run never blocks the next one.
 */
async function withLock(dir, what, fn) {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + TIMEOUT.lock;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'owner'), `${process.pid}\n`);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (lockIsStale(dir)) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (!told) process.stderr.write(`[stack] waiting for ${what} (lock ${dir})\n`);
      told = true;
      if (Date.now() > deadline) throw new Error(`timed out after ${seconds(TIMEOUT.lock)} waiting for ${what} (lock ${dir})`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function lockIsStale(dir) {
  const owner = readPid(path.join(dir, 'owner'));
  if (owner) return !pidAlive(owner);
  try {
    return Date.now() - fs.statSync(dir).mtimeMs > 10_000; // created but never claimed
  } catch {
    return false;
  }
}

let aptQueue = Promise.resolve();
let aptUpdated = false;

/** apt-get install, one at a time (dpkg has a single lock), `apt-get update` once per run. */
function aptInstall(ctx, packages, why) {
  const task = aptQueue.then(async () => {
    if (!isRoot()) throw new Error(`${why}: please install ${packages.join(' ')} (apt-get needs root)`);
    ctx.log(`installing ${packages.join(' ')} with apt-get (${why})`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    const wait = ['-o', 'DPkg::Lock::Timeout=600'];
    if (!aptUpdated) await run('apt-get', [...wait, 'update'], { env, timeoutMs: TIMEOUT.install });
    aptUpdated = true;
    await run('apt-get', [...wait, 'install', '-y', '--no-install-recommends', ...packages], { env, timeoutMs: TIMEOUT.install });
  });
  aptQueue = task.catch(() => {});
  return task;
}

// ================================================================================================
// Small helpers
// ================================================================================================

function portOpen(port, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function httpGet(url, timeoutMs = 3_000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

/** Root must give every folder above the data dir search (x) permission to the PostgreSQL user. */
function ensureTraversable(dir, owner) {
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    const st = fs.statSync(p);
    const canEnter = st.mode & 0o001 || (st.uid === owner.uid && st.mode & 0o100) || (st.gid === owner.gid && st.mode & 0o010);
    if (!canEnter) {
      if (!p.startsWith(MILLRACE_DIR)) {
        throw new Error(`PostgreSQL runs as ${owner.name}, which cannot enter ${p}; run: chmod o+x ${p}`);
      }
      fs.chmodSync(p, st.mode | 0o001);
    }
    if (p === path.dirname(p)) return;
  }
}

function chown(file, owner) {
  if (owner && isRoot()) fs.chownSync(file, owner.uid, owner.gid);
}

function userEntry(name) {
  const line = (readText('/etc/passwd') ?? '').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

function userOfUid(uid) {
  const line = (readText('/etc/passwd') ?? '').split('\n').find((l) => l.split(':')[2] === String(uid));
  return line ? userEntry(line.split(':')[0]) : null;
}

function isRoot() {
  return process.getuid?.() === 0;
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

function existing(files) {
  return files.find((f) => fs.existsSync(f)) ?? null;
}

function listFiles(dir) {
  return safeReaddir(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return fs.statSync(file).isDirectory() ? listFiles(file) : [file];
  });
}

function safeReaddir(dir) {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function writeFileAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function tail(text, lines = 25) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
