// Process management: detached servers with pid files, how to tell ours from someone else's,
// stopping them (gracefully or like a crash), running commands to completion, waiting.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TIMEOUT } from './config.mjs';
import { existing, isRoot, readText, rotateLog, safeReaddir, seconds, sleep, tail, which } from './fsutil.mjs';
import { portOpen } from './net.mjs';

/**
 * running: our process (pid file + marker in its command line) and its port answers.
 * starting: our process, port not answering yet. foreign: port taken by someone else.
 */
export async function processStatus(pidFile, marker, port) {
  const pid = ourPid(pidFile, marker) ?? findProcesses(marker)[0] ?? null;
  const open = await portOpen(port);
  return classifyProcess(pid, open, port);
}

export function classifyProcess(pid, open, port) {
  if (pid) return { state: open ? 'running' : 'starting', pid, port };
  return { state: open ? 'foreign' : 'stopped', pid: null, port };
}

/** Starts a server in its own session (it outlives this process), output appended to logFile. */
export function spawnDetached(cmd, args, { cwd, logFile, pidFile, env }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  rotateLog(logFile);
  const fd = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(fd, `\n==== ${new Date().toISOString()} starting: ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
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
export async function stopProcess({ name, marker, port, pidFile, logFile, log, hard = false, keepPidFile = false }) {
  const pids = new Set([ourPid(pidFile, marker), ...findProcesses(marker)].filter(Boolean));
  for (const pid of pids) {
    log(`${name}: stopping pid ${pid}${hard ? ' (SIGKILL)' : ''}`);
    await killAndWait(pid, hard ? 'SIGKILL' : 'SIGTERM', TIMEOUT.stop);
  }
  if (!keepPidFile) fs.rmSync(pidFile, { force: true });
  const closed = await waitFor(`${name} port ${port} to close`, async () => !(await portOpen(port)), {
    timeoutMs: TIMEOUT.portClose,
    logFile,
  }).then(
    () => true,
    () => false,
  );
  if (!closed) throw new Error(`${name}: port ${port} still answers after stopping; another process listens there (see: ss -ltnp)`);
  return pids.size;
}

/** Stops a stack node's server process (its pid and log files named after the node). */
export async function stopNode(ctx, node, marker, opts = {}) {
  const stopped = await stopProcess({
    name: node.name,
    marker,
    port: node.ports.client,
    pidFile: ctx.pidFile(node.name),
    logFile: ctx.logFile(node.name),
    log: ctx.log,
    hard: opts.hard,
  });
  if (!stopped) ctx.log(`${node.name}: not running`);
}

export async function killAndWait(pid, signal, timeoutMs) {
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

export function signalPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

/** The pid in the file, if that process is alive and really ours (pids get reused). */
export function ourPid(pidFile, marker) {
  const pid = readPid(pidFile);
  return pid && pidAlive(pid) && isOurs(pid, marker) ? pid : null;
}

/** Live processes with this server's command line (catches lost pid files). */
export function findProcesses(marker) {
  return allPids().filter((pid) => pid !== process.pid && isOurs(pid, marker) && pidAlive(pid));
}

/** Every part of the marker must appear in the process's command line. */
export function isOurs(pid, marker) {
  return commandLineMatches(cmdline(pid), marker);
}

export function commandLineMatches(line, marker) {
  return marker.length > 0 && marker.every((part) => line.includes(part));
}

export function childPids(pid) {
  return allPids().filter((p) => procStat(p)?.ppid === pid);
}

function allPids() {
  return safeReaddir('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z'; // a zombie has exited already
}

export function procStat(pid) {
  const text = readText(`/proc/${pid}/stat`);
  return text ? parseProcStat(text) : null;
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses). */
export function parseProcStat(text) {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], ppid: Number(fields[1]) };
}

export function cmdline(pid) {
  return (readText(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');
}

/** A pid file's pid (postmaster.pid: its first line), or null. */
export function readPid(file) {
  return parsePid(readText(file));
}

export function parsePid(text) {
  const pid = Number.parseInt(text ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Runs a command to completion, capturing its output, killing it after timeoutMs.
 * Rejects on a non-zero exit unless allowFail; the error carries the output's tail.
 */
export function run(cmd, args, { cwd, env, input, timeoutMs = TIMEOUT.command, allowFail = false, what } = {}) {
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

/** run() as another user (runuser) when this process is root and an owner is given. */
export function runAs(owner, cmd, args, opts) {
  if (!owner || !isRoot()) return run(cmd, args, opts);
  const runuser = which('runuser') ?? existing(['/usr/sbin/runuser', '/sbin/runuser']);
  if (!runuser) throw new Error('runuser not found (util-linux); needed to run PostgreSQL as a non-root user');
  return run(runuser, ['-u', owner.name, '--', cmd, ...args], opts);
}

/** Polls check() until true; fails naming the server and its log, early if its process died. */
export async function waitFor(what, check, { timeoutMs, intervalMs = 250, pid, logFile }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (pid && !pidAlive(pid)) throw new Error(`${what} exited while starting; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${seconds(timeoutMs)}; see ${logFile}`);
    await sleep(intervalMs);
  }
}

export async function waitUntil(predicate, timeoutMs, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(intervalMs);
  }
  return predicate();
}

/** Awaits all promises; throws one error naming every failure once all have settled. */
export async function settleAll(promises) {
  const results = await Promise.allSettled(promises);
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason?.message ?? String(r.reason));
  if (failures.length) throw new Error(failures.join('\n'));
  return results.map((r) => r.value);
}
