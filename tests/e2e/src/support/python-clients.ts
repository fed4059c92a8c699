// The Python log shippers of the compatibility tests, as real PyPI packages: a virtual
// environment in .millrace/tools/pyenv made with `python3 -m venv` and the pinned versions of
// tests/e2e/python/requirements.txt installed by pip. Idempotent: reinstalled only when the
// requirements change. Needs python3 with its venv module (Debian's python3-venv, installed
// when missing) and PyPI.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './stack';

const PYENV = path.join(REPO_ROOT, '.millrace', 'tools', 'pyenv');
const REQUIREMENTS = path.join(REPO_ROOT, 'tests', 'e2e', 'python', 'requirements.txt');
const SCRIPTS = path.join(REPO_ROOT, 'tests', 'e2e', 'python');
const MARKER = path.join(PYENV, '.requirements.sha256');
export const PYTHON = path.join(PYENV, 'bin', 'python');

function venvWorks(): boolean {
  try {
    execFileSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Create the environment and install the pinned clients, unless already done for these requirements. */
export function ensurePythonClients(): void {
  const wanted = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  if (existsSync(PYTHON) && existsSync(MARKER) && readFileSync(MARKER, 'utf8') === wanted) return;
  if (!venvWorks()) {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-venv'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 });
  }
  rmSync(PYENV, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'venv', PYENV], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  execFileSync(PYTHON, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '--no-input', '-r', REQUIREMENTS], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  writeFileSync(MARKER, wanted);
}

/** Run one of tests/e2e/python/*.py with the environment's interpreter; its stdout parsed as JSON. */
export function runPython<T = unknown>(script: string, args: string[]): T {
  const out = execFileSync(PYTHON, [path.join(SCRIPTS, script), ...args], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const last = out.trim().split('\n').pop() ?? 'null';
  return JSON.parse(last) as T;
}
