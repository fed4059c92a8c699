// Real log shippers for the ingestion end-to-end tests: rsyslog (Debian's package), syslog-ng
// (Debian's packages, unpacked into .millrace/tools because they conflict with rsyslog as
// system loggers), util-linux `logger` and openssl. Installed on first use, idempotent and fast
// once present; CI runs as root on a clean Debian machine with apt reachable.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './stack';

const TOOLS = path.join(REPO_ROOT, '.millrace', 'tools');
const SYSLOG_NG_ROOT = path.join(TOOLS, 'syslog-ng');
const SYSLOG_NG_PACKAGES = ['syslog-ng-core', 'syslog-ng-mod-http', 'syslog-ng-scl'];
/** Shared libraries syslog-ng links against (plain libraries: no conflict with rsyslog). */
const SYSLOG_NG_LIBS = ['libcap2', 'libglib2.0-0', 'libivykis0', 'libjson-c5', 'libnet1', 'libpcre3', 'libwrap0', 'libcurl4', 'libssl3'];
const RSYSLOG_PACKAGES = ['rsyslog', 'rsyslog-gnutls'];

let aptUpdated = false;

function apt(args: string[]): void {
  execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 });
}

function aptInstall(packages: string[]): void {
  // Packages of daemons must not start them: a policy-rc.d that says no, only if none exists.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    try {
      apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
    } catch {
      if (aptUpdated) throw new Error(`apt-get install ${packages.join(' ')} failed`);
      apt(['update', '-qq']);
      aptUpdated = true;
      apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

function installed(pkg: string): boolean {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
  } catch {
    return false;
  }
}

/** rsyslogd with TLS (GnuTLS) support, from Debian's packages. */
export function ensureRsyslog(): void {
  const missing = RSYSLOG_PACKAGES.filter((p) => !installed(p));
  if (missing.length > 0) aptInstall(missing);
}

/** syslog-ng with its HTTP module and SCL (elasticsearch-http), unpacked from Debian's packages. */
export function ensureSyslogNg(): void {
  const missingLibs = SYSLOG_NG_LIBS.filter((p) => !installed(p));
  if (missingLibs.length > 0) aptInstall(missingLibs);
  if (existsSync(path.join(SYSLOG_NG_ROOT, 'usr', 'sbin', 'syslog-ng')) && existsSync(path.join(SYSLOG_NG_ROOT, 'usr', 'share', 'syslog-ng', 'include', 'scl', 'elasticsearch', 'elastic-http.conf'))) return;
  const downloads = path.join(TOOLS, 'debs');
  rmSync(downloads, { recursive: true, force: true });
  mkdirSync(downloads, { recursive: true });
  const download = () => execFileSync('apt-get', ['download', ...SYSLOG_NG_PACKAGES], { cwd: downloads, stdio: 'ignore', timeout: 300_000 });
  try {
    download();
  } catch {
    apt(['update', '-qq']);
    aptUpdated = true;
    download();
  }
  mkdirSync(SYSLOG_NG_ROOT, { recursive: true });
  for (const deb of readdirSync(downloads).filter((f) => f.endsWith('.deb'))) execFileSync('dpkg-deb', ['-x', path.join(downloads, deb), SYSLOG_NG_ROOT]);
  rmSync(downloads, { recursive: true, force: true });
}

export function ensureLogger(): void {
  if (!existsSync('/usr/bin/logger')) aptInstall(['bsdutils']);
  if (!existsSync('/usr/bin/openssl')) aptInstall(['openssl']);
}

/** A self-signed certificate for 127.0.0.1 in a fresh directory. */
export function selfSignedCert(): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'millrace-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { dir, cert, key };
}

export interface Daemon {
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

function daemon(child: ChildProcess, dir: string, logFile: string): Daemon {
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  return {
    dir,
    log: () => output + (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** Run syslog-ng in the foreground with `config` (its SCL included by absolute path). */
export function runSyslogNg(config: string): Daemon {
  const dir = mkdtempSync(path.join(tmpdir(), 'millrace-syslog-ng-'));
  const conf = path.join(dir, 'syslog-ng.conf');
  writeFileSync(conf, `@version: 3.38\n@include "${path.join(SYSLOG_NG_ROOT, 'usr', 'share', 'syslog-ng', 'include', 'scl', 'elasticsearch', 'elastic-http.conf')}"\n${config}\n`);
  const child = spawn(path.join(SYSLOG_NG_ROOT, 'usr', 'sbin', 'syslog-ng'), [
    '-F', '-f', conf, '-R', path.join(dir, 'persist'), '-c', path.join(dir, 'ctl'), '-p', path.join(dir, 'pid'),
    `--module-path=${path.join(SYSLOG_NG_ROOT, 'usr', 'lib', 'syslog-ng', '3.38')}`, '--no-caps', '-e',
  ], { env: { ...process.env, LD_LIBRARY_PATH: path.join(SYSLOG_NG_ROOT, 'usr', 'lib', 'syslog-ng') }, stdio: ['ignore', 'pipe', 'pipe'] });
  return daemon(child, dir, path.join(dir, 'none'));
}

/** Run rsyslogd in the foreground with `config` (no system inputs: only what the config loads). */
export function runRsyslog(config: string): Daemon {
  const dir = mkdtempSync(path.join(tmpdir(), 'millrace-rsyslog-'));
  const conf = path.join(dir, 'rsyslog.conf');
  writeFileSync(conf, `global(workDirectory="${dir}")\n${config}\n`);
  const child = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  return daemon(child, dir, path.join(dir, 'none'));
}

/** util-linux logger, e.g. `['--tcp', '--server', '127.0.0.1', '--port', '514', 'message']`. */
export function logger(args: string[]): void {
  execFileSync('/usr/bin/logger', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

/** A free TCP port on loopback (for a relay's own input). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
