import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UNCLAIMED_STALE_MS, lockIsStale, withLock } from '../lib/lock.mjs';

let root;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'millrace-lock-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const quiet = { pollMs: 10, onWait: () => {} };

/** The pid of a process that has exited (and been reaped). */
function deadPid() {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

describe('withLock', () => {
  it('lets one holder in at a time and frees the lock afterwards', async () => {
    const dir = path.join(root, 'a', 'lock');
    const events = [];
    const holder = (name, ms) =>
      withLock(dir, name, async () => {
        events.push(`${name} in`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${name} out`);
        return name;
      }, quiet);
    const results = await Promise.all([holder('first', 50), holder('second', 1)]);
    expect(results).toEqual(['first', 'second']);
    expect(events).toEqual(['first in', 'first out', 'second in', 'second out']);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('records its owner while held and frees the lock when fn throws', async () => {
    const dir = path.join(root, 'lock');
    await expect(
      withLock(dir, 'x', async () => {
        expect(fs.readFileSync(path.join(dir, 'owner'), 'utf8').trim()).toBe(String(process.pid));
        throw new Error('boom');
      }, quiet),
    ).rejects.toThrow('boom');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('takes over a lock whose owner died', async () => {
    const dir = path.join(root, 'lock');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'owner'), `${deadPid()}\n`);
    expect(lockIsStale(dir)).toBe(true);
    await expect(withLock(dir, 'x', async () => 'got it', { ...quiet, timeoutMs: 1_000 })).resolves.toBe('got it');
  });

  it('waits for a live owner, and gives up after its timeout naming the lock', async () => {
    const dir = path.join(root, 'lock');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'owner'), `${process.pid}\n`);
    expect(lockIsStale(dir)).toBe(false);
    let waited = 0;
    await expect(withLock(dir, 'the build', async () => 'never', { pollMs: 10, timeoutMs: 100, onWait: () => waited++ })).rejects.toThrow(
      `waiting for the build (lock ${dir})`,
    );
    expect(waited).toBe(1);
  });

  it('treats a lock nobody claimed as stale only after a while', () => {
    const dir = path.join(root, 'lock');
    fs.mkdirSync(dir);
    expect(lockIsStale(dir)).toBe(false);
    expect(lockIsStale(dir, Date.now() + UNCLAIMED_STALE_MS + 1_000)).toBe(true);
    expect(lockIsStale(path.join(root, 'missing'))).toBe(false);
  });
});
