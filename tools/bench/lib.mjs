// Small helpers shared by the benchmarks: timing, percentiles, bounded concurrency, sample lines.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const services = require('../platform/services.cjs');

/** `npm run bench` options: --quick (smaller runs), --only a,b (these sections only). */
export function parseBenchArgs(argv) {
  const onlyArg = argv.find((a, i) => argv[i - 1] === '--only') ?? argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const sections = onlyArg ? onlyArg.split(',').map((s) => s.trim()).filter(Boolean) : null;
  const valueOf = (name) => argv.find((a, i) => argv[i - 1] === name) ?? argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  const lines = valueOf('--lines');
  if (lines !== undefined && !(Number(lines) > 0)) throw new Error(`--lines takes a positive number, not ${lines}`);
  return {
    quick: argv.includes('--quick'),
    sections,
    only: (section) => !sections || sections.includes(section),
    corpus: valueOf('--corpus') ?? 'mixed',
    lines: lines === undefined ? undefined : Number(lines),
  };
}

/** The p-th percentile (nearest rank) of an ascending array; NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Runs work(0..count-1) with at most `limit` calls in flight at once. */
export async function runBounded(count, limit, work) {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** A ~200-byte JSON application line, varied so compression and parsing are realistic. */
export function sampleLine(i, marker) {
  return JSON.stringify({
    level: ['info', 'warn', 'error', 'debug'][i % 4],
    msg: `request ${marker} handled path=/api/v1/items/${i % 977} user=u${i % 131}`,
    status: [200, 201, 404, 500][i % 4],
    latency_ms: (i * 37) % 1500,
    trace: (i * 2654435761 >>> 0).toString(16).padStart(8, '0'),
  });
}

export function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
}

export const mib = (bytes) => bytes / 1024 / 1024;
export const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A JSON API call: { status, body } with the body parsed when it is JSON. */
export async function call(method, url, key, body) {
  const res = await fetch(url, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/** An access token of a first owner of `org`, created through the auth CLI and logged in by the API. */
export async function ownerSession({ profile, stack, urls, org }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-owner-'));
  const password = `bench password ${Date.now()}`;
  const email = `owner@${org}.bench`;
  try {
    fs.writeFileSync(path.join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
    const secretsFile = path.join(services.stateDir(profile), 'secrets.json');
    const secrets = fs.existsSync(secretsFile) ? JSON.parse(fs.readFileSync(secretsFile, 'utf8')) : {};
    execFileSync(process.execPath, [path.join(services.REPO_ROOT, 'apps', 'auth', 'dist', 'cli.js'), 'create-owner', '--org', org, '--email', email, '--password-file', path.join(dir, 'pw')], {
      env: { ...process.env, ...stack, ...secrets }, stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const session = await call('POST', `${urls.auth}/v1/sessions`, undefined, { email, password, org });
  if (!session.body.accessToken) throw new Error(`log-in failed: ${session.status} ${JSON.stringify(session.body)}`);
  return session.body.accessToken;
}
