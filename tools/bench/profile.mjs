#!/usr/bin/env node
// Where the pipeline's CPU goes: restarts the dev platform's pipeline services under
// `node --cpu-prof`, ingests the benchmark corpus once, stops them (which writes the profiles)
// and prints each service's hottest functions by self time, plus the profiles' paths for a
// flame graph (open a .cpuprofile in Chrome DevTools › Performance, or speedscope).
//   node tools/bench/profile.mjs [--corpus mixed|json] [--lines 100000] [--top 25]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnv } from '../stack/stack-lib.mjs';
import { runBounded } from './lib.mjs';
import { ndjsonBody } from './corpus.mjs';
import { waitForDrain } from './pipeline.mjs';
import { cpuSeconds } from './procstat.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const services = require('../platform/services.cjs');
const argOf = (name, fallback) => process.argv.find((a, i) => process.argv[i - 1] === name) ?? fallback;
const corpus = argOf('--corpus', 'mixed');
const lines = Number(argOf('--lines', '100000'));
const top = Number(argOf('--top', '25'));
const PROFILED = ['ingest-gateway', 'broker-router', 'parser-worker', 'indexer', 'alerter', 'archiver'];
const print = (line) => process.stdout.write(`${line}\n`);

execFileSync(process.execPath, [path.join(ROOT, 'tools', 'platform', 'cli.mjs'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
const stack = readEnv('dev');
const dir = path.join(ROOT, '.millrace', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
fs.mkdirSync(dir, { recursive: true });
for (const s of PROFILED) await services.stopService('dev', s);
for (const s of PROFILED) services.startService('dev', s, stack, { MILLRACE_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${path.join(dir, s)}` });
for (const s of PROFILED) await services.waitReady('dev', s);

const org = services.createOrg(stack, `prof${Date.now().toString(36)}`);
const requests = Math.round(lines / 1000);
const bodies = Array.from({ length: requests }, (_, r) => ndjsonBody(corpus, r * 1000, 1000, Date.now(), `prof${r}`));
const before = Object.fromEntries(PROFILED.map((s) => [s, cpuSeconds(services.runningPid('dev', s)) ?? 0]));
const t0 = performance.now();
// CPU profiles stamp samples with the system's monotonic clock in µs, as process.hrtime does.
const window = { from: Number(process.hrtime.bigint() / 1000n), to: Infinity };
await runBounded(requests, 8, async (i) => {
  const res = await fetch(`${services.urls('dev').ingest}/v1/ingest?app=prof-${i % 7}`, {
    method: 'POST', headers: { authorization: `Bearer ${org.ingestKey}`, 'content-type': 'application/x-ndjson' }, body: bodies[i],
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
});
await waitForDrain(stack);
window.to = Number(process.hrtime.bigint() / 1000n);
const seconds = (performance.now() - t0) / 1000;
const spent = Object.fromEntries(PROFILED.map((s) => [s, (cpuSeconds(services.runningPid('dev', s)) ?? 0) - before[s]]));
// A graceful stop (SIGTERM) lets node write the profile.
for (const s of PROFILED) await services.stopService('dev', s, { timeoutMs: 30000 });
for (const s of PROFILED) services.startService('dev', s, stack);

print(`# CPU profile, ${corpus} corpus, ${lines.toLocaleString('en-US')} lines in ${seconds.toFixed(1)} s`);
for (const s of PROFILED) {
  const files = fs.existsSync(path.join(dir, s)) ? fs.readdirSync(path.join(dir, s)).filter((f) => f.endsWith('.cpuprofile')) : [];
  print(`\n## ${s}: ${spent[s].toFixed(2)} CPU-s, ${((spent[s] * 1e6) / lines).toFixed(1)} µs/line${files.length ? `  (${path.join(dir, s, files[0])})` : '  (no profile written)'}`);
  if (files.length === 0) continue;
  const profile = JSON.parse(fs.readFileSync(path.join(dir, s, files[0]), 'utf8'));
  const { rows, busyMs, programMs, gcMs } = hottest(profile, top, window);
  print(`  main thread during the ingest: ${busyMs.toFixed(0)} ms busy, of which ${gcMs.toFixed(0)} ms garbage collection and ${programMs.toFixed(0)} ms native (program)`);
  for (const row of rows) print(`  ${row.share.toFixed(1).padStart(5)}%  ${row.name}`);
}
for (const s of PROFILED) await services.waitReady('dev', s);

/** Self time per function (name + file:line) during the ingest, as a share of the busy samples. */
function hottest(profile, n, { from, to }) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    if (at >= from && at <= to) counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  const self = new Map();
  let busy = 0;
  let program = 0;
  let gc = 0;
  for (const [id, count] of counts) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') continue;
    if (callFrame.functionName === '(program)') {
      program += count;
      continue;
    }
    if (callFrame.functionName === '(garbage collector)') gc += count;
    const file = callFrame.url.replace(/^.*\/(node_modules|apps|libs)\//, '$1/');
    const name = `${callFrame.functionName || '(anonymous)'} ${file ? `${file}:${callFrame.lineNumber + 1}` : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + count);
    busy += count;
  }
  const interval = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
  return {
    rows: [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, count]) => ({ name, share: (100 * count) / busy })),
    busyMs: (busy + program) * interval,
    programMs: program * interval,
    gcMs: gc * interval,
  };
}
