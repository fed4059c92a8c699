#!/usr/bin/env node
// A real S3-compatible server for the archive tests and local installs: the Versity S3 Gateway
// (versitygw, Apache-2.0) with its POSIX backend, built with `go install` at a pinned version into
// .millrace/tools/bin and run on 127.0.0.1, one per profile, its objects under
// .millrace/stack/<profile>/s3/. It verifies request checksums (ChecksumSHA256 → BadDigest) and
// returns them on HEAD, as AWS S3 does. Plain Node.js 20 ESM, standard library only.
//
//   node tools/stack/s3.mjs up     [--profile dev|test]   install if missing, start, print the settings as JSON
//   node tools/stack/s3.mjs down   [--profile dev|test]   stop (objects are kept)
//   node tools/stack/s3.mjs status [--profile dev|test]   exit code 3 when not running
//   node tools/stack/s3.mjs env    [--profile dev|test]   print the settings as JSON
//
// From Node: import { up, down, s3Settings } from './s3.mjs'. From Jest (CommonJS), run the CLI:
// `execFileSync(process.execPath, ['tools/stack/s3.mjs', 'up', '--profile', 'test'])` prints the JSON.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST, LOCKS_DIR, REPO_ROOT, TOOLS_BIN } from './lib/config.mjs';
import { readText, rotateLog, sleep } from './lib/fsutil.mjs';
import { findGo, goFits, parseGoVersion } from './lib/installers/go.mjs';
import { withLock } from './lib/lock.mjs';
import { portOpen } from './lib/net.mjs';
import { pidAlive as alive } from './lib/process.mjs';

export const S3_VERSIONS = Object.freeze({
  module: 'github.com/versity/versitygw',
  version: 'v1.8.0',
  // its go.mod asks for Go >= 1.25
  minGo: [1, 25],
});

export const S3_PORTS = Object.freeze({ dev: 19400, test: 29400 });

const REGION = 'us-east-1';
const BIN = path.join(TOOLS_BIN, 'versitygw');
const log = (msg) => process.stderr.write(`[s3] ${msg}\n`);

function paths(profile) {
  if (!(profile in S3_PORTS)) throw new Error(`unknown profile "${profile}" (use one of: ${Object.keys(S3_PORTS).join(', ')})`);
  const root = path.join(REPO_ROOT, '.millrace', 'stack', profile, 's3');
  return {
    root,
    data: path.join(root, 'data'),
    credentials: path.join(root, 'credentials.json'),
    pid: path.join(root, 'versitygw.pid'),
    log: path.join(root, 'versitygw.log'),
    version: path.join(root, 'version.json'),
    lock: path.join(LOCKS_DIR, 'versitygw'),
  };
}

/** Root credentials of the profile's server: generated once, kept owner-readable in its state folder. */
function credentials(profile) {
  const p = paths(profile);
  if (!fs.existsSync(p.credentials)) {
    fs.mkdirSync(p.root, { recursive: true });
    const value = { accessKeyId: `mlr${crypto.randomBytes(8).toString('hex')}`, secretAccessKey: crypto.randomBytes(24).toString('base64url') };
    fs.writeFileSync(p.credentials, JSON.stringify(value), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(p.credentials, 'utf8'));
}

/** How to reach the profile's S3 server (whether or not it runs). */
export function s3Settings(profile = 'dev') {
  const c = credentials(profile);
  return {
    S3_ENDPOINT: `http://${HOST}:${S3_PORTS[profile]}`,
    S3_REGION: REGION,
    S3_ACCESS_KEY_ID: c.accessKeyId,
    S3_SECRET_ACCESS_KEY: c.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    S3_SERVER: `versitygw ${S3_VERSIONS.version}`,
  };
}

/** Install if missing, start if not running, wait until it answers. `started` says whether this call started it. */
export async function up(profile = 'dev') {
  const p = paths(profile);
  const running = runningPid(profile);
  if (running && (await portOpen(S3_PORTS[profile]))) return { ...s3Settings(profile), started: false, pid: running };
  if (!running && (await portOpen(S3_PORTS[profile]))) {
    throw new Error(`port ${S3_PORTS[profile]} is taken by a process this script did not start (see: ss -ltnp)`);
  }
  await ensureBinary();
  const c = credentials(profile);
  fs.mkdirSync(p.data, { recursive: true });
  rotateLog(p.log, 20 * 1024 * 1024);
  const fd = fs.openSync(p.log, 'a');
  let pid;
  try {
    fs.writeSync(fd, `\n==== ${new Date().toISOString()} starting versitygw ${S3_VERSIONS.version} on ${HOST}:${S3_PORTS[profile]}\n`);
    // The root credentials come from the environment, never the command line (visible to every user).
    const child = spawn(BIN, ['--port', `${HOST}:${S3_PORTS[profile]}`, '--region', REGION, '--quiet', 'posix', p.data], {
      cwd: p.root,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH ?? '', ROOT_ACCESS_KEY_ID: c.accessKeyId, ROOT_SECRET_ACCESS_KEY: c.secretAccessKey },
    });
    child.unref();
    pid = child.pid;
  } finally {
    fs.closeSync(fd);
  }
  if (!pid) throw new Error(`could not start versitygw; see ${p.log}`);
  fs.writeFileSync(p.pid, String(pid));
  const deadline = Date.now() + 30_000;
  while (!(await portOpen(S3_PORTS[profile]))) {
    if (!alive(pid)) throw new Error(`versitygw exited while starting; see ${p.log}`);
    if (Date.now() > deadline) throw new Error(`versitygw not answering after 30 s; see ${p.log}`);
    await sleep(100);
  }
  fs.writeFileSync(p.version, `${JSON.stringify({ server: 'versitygw', version: S3_VERSIONS.version, go: goVersion(), at: new Date().toISOString() }, null, 2)}\n`);
  return { ...s3Settings(profile), started: true, pid };
}

/** Stop the profile's server (SIGTERM, SIGKILL after 10 s); its objects stay. */
export async function down(profile = 'dev') {
  const p = paths(profile);
  const pid = runningPid(profile);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(50);
  }
  fs.rmSync(p.pid, { force: true });
  const deadline = Date.now() + 10_000;
  while (await portOpen(S3_PORTS[profile])) {
    if (Date.now() > deadline) throw new Error(`port ${S3_PORTS[profile]} still answers after stopping versitygw`);
    await sleep(50);
  }
  return { stopped: Boolean(pid) };
}

export function runningPid(profile = 'dev') {
  const p = paths(profile);
  const pid = Number.parseInt(readText(p.pid) ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  // pids get reused: it must be our versitygw, serving this profile's folder
  const cmdline = (readText(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');
  return cmdline.includes('versitygw') && cmdline.includes(p.data) ? pid : undefined;
}

/** versitygw at the pinned version in .millrace/tools/bin, built with the machine's Go. */
async function ensureBinary() {
  if (binaryVersion() === S3_VERSIONS.version) return;
  await withLock(paths('dev').lock, 'the versitygw build', async () => {
    if (binaryVersion() === S3_VERSIONS.version) return;
    const go = requireGo();
    const version = goVersion(go);
    const [minMajor, minMinor] = S3_VERSIONS.minGo;
    if (!goFits(parseGoVersion(version), S3_VERSIONS.minGo)) {
      throw new Error(`versitygw ${S3_VERSIONS.version} needs Go >= ${minMajor}.${minMinor}; found ${version ?? 'no go'} (install a newer Go)`);
    }
    log(`building versitygw ${S3_VERSIONS.version} with ${version} (go install, first run only; a few minutes)`);
    fs.mkdirSync(TOOLS_BIN, { recursive: true });
    const result = spawnSync(go, ['install', `${S3_VERSIONS.module}/cmd/versitygw@${S3_VERSIONS.version}`], {
      env: { ...process.env, GOBIN: TOOLS_BIN, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 30 * 60_000,
    });
    if (result.status !== 0) throw new Error(`go install versitygw failed:\n${(result.stderr ?? '').split('\n').slice(-20).join('\n')}`);
    if (binaryVersion() !== S3_VERSIONS.version) throw new Error(`versitygw built, but ${BIN} does not report ${S3_VERSIONS.version}`);
  });
}

/** The module version the binary was built from (`go version -m`), or null. */
function binaryVersion() {
  if (!fs.existsSync(BIN)) return null;
  const go = findGo();
  if (!go) return fs.existsSync(BIN) ? S3_VERSIONS.version : null;
  const out = spawnSync(go, ['version', '-m', BIN], { encoding: 'utf8' }).stdout ?? '';
  return new RegExp(`mod\\s+${S3_VERSIONS.module.replaceAll('.', '\\.')}\\s+(v\\S+)`).exec(out)?.[1] ?? null;
}

function requireGo() {
  const go = findGo();
  if (!go) throw new Error('go: not found (apt-get install golang-go, or a Go >= 1.25 in /usr/local/go)');
  return go;
}

function goVersion(go = findGo()) {
  if (!go) return null;
  return parseGoVersion(spawnSync(go, ['version'], { encoding: 'utf8' }).stdout)?.version ?? null;
}

async function main(argv) {
  const profileAt = argv.indexOf('--profile');
  const profile = profileAt >= 0 ? argv[profileAt + 1] : (argv.find((a) => a.startsWith('--profile='))?.slice(10) ?? 'dev');
  const command = argv.find((a, i) => !a.startsWith('-') && argv[i - 1] !== '--profile');
  switch (command) {
    case 'up':
      process.stdout.write(`${JSON.stringify(await up(profile))}\n`);
      return 0;
    case 'down':
      process.stdout.write(`${JSON.stringify(await down(profile))}\n`);
      return 0;
    case 'status': {
      const pid = runningPid(profile);
      process.stdout.write(`s3 (versitygw ${S3_VERSIONS.version}) ${pid ? `running, pid ${pid}` : 'stopped'} on ${HOST}:${S3_PORTS[profile]}\n`);
      return pid ? 0 : 3;
    }
    case 'env':
      process.stdout.write(`${JSON.stringify(s3Settings(profile))}\n`);
      return 0;
    default:
      process.stderr.write('usage: node tools/stack/s3.mjs up|down|status|env [--profile dev|test]\n');
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`s3: error: ${error.message}\n`);
      process.exit(1);
    },
  );
}
