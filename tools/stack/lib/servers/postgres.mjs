// PostgreSQL: our own cluster in the state folder (not Debian's service), on loopback, with a
// `millrace` role and database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HOST, MILLRACE_DIR, TIMEOUT } from '../config.mjs';
import { chown, isRoot, readText, rotateLog, userEntry, userOfUid } from '../fsutil.mjs';
import { ensurePostgres, findPgBinDir } from '../installers/postgres.mjs';
import { PG_ROLE } from '../profiles.mjs';
import { findProcesses, ourPid, processStatus, run, runAs, stopProcess, waitFor } from '../process.mjs';

const PG_SYSTEM_USER = 'millrace-pg'; // PostgreSQL refuses to run as root

export const postgres = {
  kind: 'postgres',

  status(ctx, node) {
    const paths = pgPaths(ctx, node);
    return processStatus(path.join(paths.data, 'postmaster.pid'), pgMarker(paths), node.ports.client);
  },

  async start(ctx, node) {
    const paths = pgPaths(ctx, node);
    const pg = await ensurePostgres(ctx, paths.data);
    const owner = await ensurePgOwner(ctx, paths);
    if (!fs.existsSync(path.join(paths.data, 'PG_VERSION'))) await initCluster(ctx, pg, paths, owner);
    checkClusterVersion(pg, paths);
    writePgConfig(ctx, node, paths, owner);

    const logFile = ctx.logFile(node.name);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    rotateLog(logFile);
    fs.appendFileSync(logFile, '');
    chown(logFile, owner); // pg_ctl, running as the owner, appends the server's output to it
    // pg_ctl -w returns once the server accepts connections; the postmaster runs in its own session.
    await runAs(owner, path.join(pg.binDir, 'pg_ctl'), ['-D', paths.data, '-l', logFile, '-w', '-t', '60', 'start'], {
      cwd: paths.root,
      timeoutMs: TIMEOUT.postgresStart,
      what: `PostgreSQL did not start (see ${logFile})`,
    });
    await bootstrapDatabase(ctx, node, pg, paths);
  },

  async waitReady(ctx, node, pid) {
    const paths = pgPaths(ctx, node);
    const pg = await ensurePostgres(ctx, paths.data);
    const isReady = path.join(pg.binDir, 'pg_isready');
    await waitFor(
      'PostgreSQL',
      async () => (await run(isReady, ['-q', '-h', HOST, '-p', String(node.ports.client)], { allowFail: true })).code === 0,
      { timeoutMs: TIMEOUT.postgresStart, pid, logFile: ctx.logFile(node.name) },
    );
  },

  async stop(ctx, node, opts = {}) {
    const paths = pgPaths(ctx, node);
    const pidFile = path.join(paths.data, 'postmaster.pid');
    const pid = ourPid(pidFile, pgMarker(paths)) ?? findProcesses(pgMarker(paths))[0];
    const binDir = findPgBinDir(paths.data);
    if (pid && binDir) {
      const mode = opts.hard ? 'immediate' : 'fast';
      ctx.log(`postgres: stopping pid ${pid} (pg_ctl stop -m ${mode})`);
      await runAs(userOfUid(fs.statSync(paths.data).uid), path.join(binDir, 'pg_ctl'), ['-D', paths.data, 'stop', '-m', mode, '-w', '-t', '30'], {
        cwd: paths.root,
        timeoutMs: TIMEOUT.stop + 5_000,
        allowFail: true, // checked below: what pg_ctl did not stop goes by signal
      });
    }
    const killed = await stopProcess({
      name: 'postgres',
      marker: pgMarker(paths),
      port: node.ports.client,
      pidFile,
      logFile: ctx.logFile(node.name),
      log: ctx.log,
      hard: opts.hard,
      keepPidFile: true,
    });
    if (!pid && !killed) ctx.log('postgres: not running');
  },
};

// The postmaster keeps its command line (`.../postgres -D <data>`); pg_ctl's differs.
function pgMarker(paths) {
  return [`${path.sep}postgres -D ${paths.data}`];
}

function pgPaths(ctx, node) {
  const root = path.join(ctx.state, node.name);
  return { root, data: path.join(root, 'data'), sockets: pgSocketDir(ctx.profile, root, node.ports.client) };
}

/** A Unix socket path must fit in 107 bytes; a deep checkout falls back to a short /tmp folder. */
export function pgSocketDir(profile, root, port) {
  const inState = path.join(root, 'run');
  if (`${inState}/.s.PGSQL.${port}`.length < 100) return inState;
  const hash = crypto.createHash('sha1').update(root).digest('hex').slice(0, 8);
  return path.join('/tmp', `millrace-pg-${profile}-${hash}`);
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

/** Root must give every folder above the data dir search (x) permission to the PostgreSQL user. */
function ensureTraversable(dir, owner) {
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    const st = fs.statSync(p);
    if (!canEnter(st, owner)) {
      if (!p.startsWith(MILLRACE_DIR)) {
        throw new Error(`PostgreSQL runs as ${owner.name}, which cannot enter ${p}; run: chmod o+x ${p}`);
      }
      fs.chmodSync(p, st.mode | 0o001);
    }
    if (p === path.dirname(p)) return;
  }
}

/** May this user search (x) a folder with this mode and owner? */
export function canEnter(st, owner) {
  return Boolean(st.mode & 0o001 || (st.uid === owner.uid && st.mode & 0o100) || (st.gid === owner.gid && st.mode & 0o010));
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

/** millrace.conf: ports and sockets come from the profile, so they are rewritten at every start. */
export function pgConfigText({ port, sockets, throwawayData }) {
  const lines = [
    '# Written by tools/stack (lib/servers/postgres.mjs) at every start; edits are overwritten.',
    `listen_addresses = '${HOST}'`,
    `port = ${port}`,
    `unix_socket_directories = '${sockets}'`,
    'max_connections = 200',
    'shared_buffers = 128MB',
  ];
  if (throwawayData) {
    // Test data is throwaway: skip flushing to disk. A clean stop/start still keeps everything.
    lines.push('fsync = off', 'synchronous_commit = off', 'full_page_writes = off');
  }
  return `${lines.join('\n')}\n`;
}

function writePgConfig(ctx, node, paths, owner) {
  const file = path.join(paths.data, 'millrace.conf');
  fs.writeFileSync(file, pgConfigText({ port: node.ports.client, sockets: paths.sockets, throwawayData: ctx.def.throwawayData }));
  chown(file, owner);
}

/** Role and database `millrace` (password `millrace`); idempotent, run at every start. */
async function bootstrapDatabase(ctx, node, pg, paths) {
  const psql = path.join(pg.binDir, 'psql');
  const sql = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_ROLE}') THEN
    CREATE ROLE ${PG_ROLE} LOGIN SUPERUSER CREATEDB PASSWORD '${PG_ROLE}';
  END IF;
END $$;
SELECT 'CREATE DATABASE ${PG_ROLE} OWNER ${PG_ROLE}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${PG_ROLE}')\\gexec
`;
  await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', paths.sockets, '-p', String(node.ports.client), '-U', 'postgres', '-d', 'postgres'], {
    input: sql,
    what: 'PostgreSQL: creating role/database failed',
  });
  // The real check: log in over TCP with the URL the services will use.
  const { stdout } = await run(psql, ['-X', '-Atq', ctx.settings.DATABASE_URL, '-c', 'select 1'], {
    env: { PGCONNECT_TIMEOUT: '5' },
    what: 'PostgreSQL: login with DATABASE_URL failed',
  });
  if (stdout.trim() !== '1') throw new Error(`PostgreSQL: unexpected answer to select 1: ${stdout}`);
}
