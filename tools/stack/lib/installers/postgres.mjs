// PostgreSQL's server binaries: the newest in /usr/lib/postgresql/*/bin (apt-get install postgresql if none).
import fs from 'node:fs';
import path from 'node:path';
import { readText, safeReaddir, which } from '../fsutil.mjs';
import { run } from '../process.mjs';
import { aptInstall } from './apt.mjs';

const PG_BASE = '/usr/lib/postgresql';
const TOOLS = ['initdb', 'pg_ctl', 'postgres'];

/** { binDir, version, major } of the binaries to run `dataDir`'s cluster with. */
export async function ensurePostgres(ctx, dataDir) {
  let binDir = findPgBinDir(dataDir);
  if (!binDir) {
    await aptInstall(ctx, ['postgresql'], 'PostgreSQL server');
    binDir = findPgBinDir(dataDir);
  }
  if (!binDir) throw new Error('PostgreSQL: initdb/pg_ctl not found after apt-get install postgresql');
  const { stdout } = await run(path.join(binDir, 'postgres'), ['--version']);
  const version = parsePgVersion(stdout);
  ctx.versions.postgresql = version;
  return { binDir, version, major: version.split('.')[0] };
}

/** `postgres --version` output ("postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)") → '15.14'. */
export function parsePgVersion(text) {
  return /(\d+(?:\.\d+)?)/.exec(text)?.[1] ?? text.trim();
}

/** Prefers the major version an existing cluster was made with, then the newest installed. */
export function findPgBinDir(dataDir) {
  const hasTools = (dir) => TOOLS.every((b) => fs.existsSync(path.join(dir, b)));
  const clusterMajor = readText(path.join(dataDir, 'PG_VERSION'))?.trim();
  for (const major of pgMajorsToTry(safeReaddir(PG_BASE), clusterMajor)) {
    const dir = path.join(PG_BASE, major, 'bin');
    if (hasTools(dir)) return dir;
  }
  const initdb = which('initdb');
  return initdb && hasTools(path.dirname(fs.realpathSync(initdb))) ? path.dirname(fs.realpathSync(initdb)) : null;
}

/** The cluster's own major first, then the installed majors, newest first. */
export function pgMajorsToTry(installed, clusterMajor) {
  const majors = installed.filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  return clusterMajor ? [clusterMajor, ...majors] : majors;
}
