// A cross-process lock: a directory that only one mkdir can create. A lock whose owner process
// died is taken over, so an interrupted run never blocks the next one.
import fs from 'node:fs';
import path from 'node:path';
import { TIMEOUT } from './config.mjs';
import { seconds, sleep } from './fsutil.mjs';
import { pidAlive, readPid } from './process.mjs';

/** A created but never claimed lock (its owner died between mkdir and writing) is stale after this. */
export const UNCLAIMED_STALE_MS = 10_000;

/**
 * Runs fn holding the lock `dir`; waits (up to timeoutMs) while another live process holds it.
 * `what` names the lock in the waiting message.
 */
export async function withLock(dir, what, fn, { timeoutMs = TIMEOUT.lock, pollMs = 250, onWait } = {}) {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  const tell = onWait ?? (() => process.stderr.write(`[stack] waiting for ${what} (lock ${dir})\n`));
  let told = false;
  for (;;) {
    if (tryLock(dir)) break;
    if (lockIsStale(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (!told) tell();
    told = true;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds(timeoutMs)} waiting for ${what} (lock ${dir})`);
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function tryLock(dir) {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if (err.code === 'EEXIST') return false;
    throw err;
  }
  fs.writeFileSync(path.join(dir, 'owner'), `${process.pid}\n`);
  return true;
}

/** Stale: its owner process is gone, or nobody claimed it for UNCLAIMED_STALE_MS. */
export function lockIsStale(dir, now = Date.now()) {
  const owner = readPid(path.join(dir, 'owner'));
  if (owner) return !pidAlive(owner);
  try {
    return now - fs.statSync(dir).mtimeMs > UNCLAIMED_STALE_MS;
  } catch {
    return false;
  }
}
