// Small helpers shared by the benchmarks: timing, percentiles, bounded concurrency, sample lines.
import os from 'node:os';

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
