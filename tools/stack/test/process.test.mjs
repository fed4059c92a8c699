import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  classifyProcess, commandLineMatches, findProcesses, killAndWait, ourPid, parsePid, parseProcStat, pidAlive, run, settleAll,
  spawnDetached, stopProcess,
} from '../lib/process.mjs';

describe('telling our processes from others', () => {
  it('reads /proc/<pid>/stat even when the command name has spaces and parentheses', () => {
    expect(parseProcStat('1234 (my (odd) name) S 99 1234 1234 0 -1')).toEqual({ state: 'S', ppid: 99 });
    expect(parseProcStat('77 (postgres) Z 1 77')).toEqual({ state: 'Z', ppid: 1 });
  });

  it('needs every part of the marker in the command line', () => {
    const line = '/usr/bin/java -Xms512m -cp x dev.millrace.stack.MillraceNode path.home=/s/test/opensearch http.port=29200';
    expect(commandLineMatches(line, ['dev.millrace.stack.MillraceNode', 'path.home=/s/test/opensearch'])).toBe(true);
    expect(commandLineMatches(line, ['dev.millrace.stack.MillraceNode', 'path.home=/s/dev/opensearch'])).toBe(false);
    expect(commandLineMatches(line, [])).toBe(false);
  });

  it('reads pid files (postmaster.pid has more lines)', () => {
    expect(parsePid('4242\n')).toBe(4242);
    expect(parsePid('4242\n/var/lib/data\n1700000000\n')).toBe(4242);
    expect(parsePid('')).toBeNull();
    expect(parsePid('-3')).toBeNull();
    expect(parsePid(null)).toBeNull();
  });

  it('classifies pid and port into running, starting, foreign, stopped', () => {
    expect(classifyProcess(10, true, 1).state).toBe('running');
    expect(classifyProcess(10, false, 1).state).toBe('starting');
    expect(classifyProcess(null, true, 1).state).toBe('foreign');
    expect(classifyProcess(null, false, 1)).toEqual({ state: 'stopped', pid: null, port: 1 });
  });
});

describe('running commands', () => {
  it('captures output and feeds input', async () => {
    const { code, stdout } = await run(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello' });
    expect(code).toBe(0);
    expect(stdout).toBe('hello');
  });

  it('fails on a non-zero exit with the output\'s tail, unless allowed', async () => {
    await expect(run(process.execPath, ['-e', 'console.error("bad thing"); process.exit(3)'], { what: 'the step' })).rejects.toThrow(/the step \(exit 3\):\nbad thing/);
    await expect(run(process.execPath, ['-e', 'process.exit(3)'], { allowFail: true })).resolves.toMatchObject({ code: 3 });
    await expect(run('/nonexistent/binary', [], { allowFail: true })).resolves.toMatchObject({ code: -1 });
  });

  it('kills a command that runs past its timeout', async () => {
    await expect(run(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200, what: 'slow' })).rejects.toThrow('slow: timed out after 0.2s');
  });

  it('settles every promise before failing with all the reasons', async () => {
    let finished = false;
    const slow = new Promise((r) => setTimeout(() => r((finished = true)), 30));
    await expect(settleAll([Promise.reject(new Error('a')), slow, Promise.reject(new Error('b'))])).rejects.toThrow('a\nb');
    expect(finished).toBe(true);
    await expect(settleAll([Promise.resolve(1), 2])).resolves.toEqual([1, 2]);
  });
});

describe('detached processes', () => {
  let dir;
  const marker = () => ['millrace-process-test', dir];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'millrace-proc-'));
  });
  afterEach(() => {
    for (const pid of findProcesses(marker())) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const script = `process.title; setInterval(() => {}, 1000); process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });`;

  it('starts a process in its own session with a pid file and a log, finds it, stops it gracefully', async () => {
    const pidFile = path.join(dir, 'pids', 'x.pid');
    const logFile = path.join(dir, 'logs', 'x.log');
    const pid = spawnDetached(process.execPath, ['-e', script, 'millrace-process-test', dir], { cwd: dir, logFile, pidFile });
    expect(fs.readFileSync(pidFile, 'utf8').trim()).toBe(String(pid));
    await new Promise((r) => setTimeout(r, 300));
    expect(pidAlive(pid)).toBe(true);
    expect(ourPid(pidFile, marker())).toBe(pid);
    expect(ourPid(pidFile, ['someone-else'])).toBeNull();
    expect(findProcesses(marker())).toEqual([pid]);

    const logs = [];
    const stopped = await stopProcess({ name: 'x', marker: marker(), port: 1, pidFile, logFile, log: (m) => logs.push(m) });
    expect(stopped).toBe(1);
    expect(pidAlive(pid)).toBe(false);
    expect(fs.existsSync(pidFile)).toBe(false);
    expect(logs).toEqual([`x: stopping pid ${pid}`]);
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).toMatch(/==== .* starting: /);
    expect(log).toContain('bye');
  });

  it('kills like a crash when hard (no chance to clean up)', async () => {
    const child = spawn(process.execPath, ['-e', script, 'millrace-process-test', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const closed = new Promise((r) => child.once('close', r));
    await new Promise((r) => setTimeout(r, 300));
    await killAndWait(child.pid, 'SIGKILL', 5_000);
    await closed;
    expect(out).toBe('');
    expect(pidAlive(child.pid)).toBe(false);
  });
});
