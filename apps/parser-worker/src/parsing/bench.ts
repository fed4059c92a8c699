/**
 * Micro-benchmark of parseBatch per format: ~200-byte generated lines in 1000-line batches
 * (the broker's batch size), each format run for about a second on one core.
 * Called by tools/bench; run alone with `node <compiled>/bench.js`.
 */
import type { RawBatch } from '@millrace/log-schema';
import { parseBatch, type ParseOptions } from './pipeline';
import { compileRedaction } from './redaction';
import { compileRule } from './rules/rules';

export interface ParserBenchResult {
  format: string;
  /** Lines per wall-clock second. */
  linesPerSec: number;
  /**
   * Lines per second of this process's CPU time (user + system): the per-core figure, and
   * the stable one on a shared machine where wall-clock time includes waiting for a core.
   */
  linesPerCpuSec: number;
  avgLineBytes: number;
}

export interface ParserBenchOptions {
  /** Measured time per format (default 1000 ms, after a 200 ms warm-up). */
  durationMs?: number;
  /** Only these formats (names as in the results). */
  formats?: string[];
}

/** Small deterministic PRNG so every run measures the same lines. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['order', 'payment', 'user', 'cache', 'session', 'invoice', 'upstream', 'retry', 'queue', 'shard', 'token', 'export'];
const LEVELS = ['info', 'warn', 'error', 'debug'];
const BASE = Date.parse('2024-03-10T11:00:00Z');

type Gen = (r: () => number, i: number) => string;

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];
const words = (r: () => number, n: number) => Array.from({ length: n }, () => pick(r, WORDS)).join(' ');
const iso = (i: number) => new Date(BASE + i * 37).toISOString();

const GENERATORS: Record<string, Gen> = {
  json: (r, i) => JSON.stringify({
    time: iso(i), level: pick(r, LEVELS), msg: `${words(r, 4)} completed`, req_id: `r-${Math.floor(r() * 1e9)}`,
    user: { id: Math.floor(r() * 1e6), plan: 'pro' }, duration_ms: Math.round(r() * 5000) / 10, status: 200, path: '/api/v1/orders',
  }),
  logfmt: (r, i) => `ts=${iso(i)} level=${pick(r, LEVELS)} msg="${words(r, 4)} completed" req_id=r-${Math.floor(r() * 1e9)} user_id=${Math.floor(r() * 1e6)} status=200 dur=${(r() * 500).toFixed(1)}ms path=/api/v1/orders ok=true region=eu-west-1 retries=${Math.floor(r() * 4)}`,
  heroku: (r) => `at=info method=GET path="/api/items?page=${Math.floor(r() * 50)}" host=shop.herokuapp.com request_id=${Math.floor(r() * 1e12).toString(16)}-4c1c fwd="203.0.113.${Math.floor(r() * 255)}" dyno=web.${1 + Math.floor(r() * 9)} connect=1ms service=${Math.floor(r() * 900)}ms status=200 bytes=${Math.floor(r() * 9e4)} protocol=https`,
  syslog5424: (r, i) => `<165>1 ${iso(i)} gw-${Math.floor(r() * 40)}.example.net billing ${Math.floor(r() * 9e4)} ID47 [meta@32473 region="eu-west" shard="${Math.floor(r() * 9)}"] ${words(r, 8)} closed for account ${Math.floor(r() * 1e6)}`,
  syslog3164: (r) => `<34>Mar 10 11:${String(Math.floor(r() * 60)).padStart(2, '0')}:15 host-${Math.floor(r() * 90)} sshd[${Math.floor(r() * 9e4)}]: Accepted publickey for deploy from 10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)} port ${Math.floor(r() * 6e4)} ssh2: ED25519 SHA256:Zx9q${Math.floor(r() * 1e15).toString(36)}${Math.floor(r() * 1e15).toString(36)}`,
  access_combined: (r) => `203.0.113.${Math.floor(r() * 255)} - - [10/Mar/2024:11:${String(Math.floor(r() * 60)).padStart(2, '0')}:03 +0000] "GET /api/v1/items/${Math.floor(r() * 1e6)}?q=${pick(r, WORDS)} HTTP/1.1" ${pick(r, [200, 200, 304, 404, 502])} ${Math.floor(r() * 9e4)} "https://shop.example/cart" "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"`,
  log4j: (r, i) => `${iso(i).replace('T', ' ').replace('Z', '').replace('.', ',')} ${pick(r, ['INFO', 'WARN', 'ERROR'])} [pool-3-thread-${Math.floor(r() * 20)}] com.acme.orders.OrderService - ${words(r, 8)} for order A-${Math.floor(r() * 1e6)} in ${Math.floor(r() * 900)} ms (customer ${Math.floor(r() * 1e6)})`,
  glog: (r) => `W0310 11:04:${String(Math.floor(r() * 60)).padStart(2, '0')}.678901    ${Math.floor(r() * 9e4)} reflector.go:533] k8s.io/client-go/informers/factory.go:150: watch of *v1.Pod ended with: too old resource version: ${Math.floor(r() * 1e9)} (${Math.floor(r() * 1e9)})`,
  plain: (r) => `Processed ${Math.floor(r() * 1000)} ${words(r, 10)} items for tenant ${Math.floor(r() * 1e5)} without incident; next run scheduled in ${Math.floor(r() * 60)} minutes as planned by ops`,
};

interface Scenario {
  name: string;
  gen: Gen;
  options?: () => ParseOptions;
}

const SCENARIOS: Scenario[] = [
  ...Object.entries(GENERATORS).map(([name, gen]) => ({ name, gen })),
  { name: 'json+redaction', gen: GENERATORS.json, options: () => ({ redaction: compileRedaction({ ipv4: true }) }) },
  {
    name: 'log4j+grok-rule',
    gen: GENERATORS.log4j,
    options: () => ({
      rules: [compileRule({ id: 'b', name: 'bench', pattern: { kind: 'grok', source: 'for order %{NOTSPACE:order} in %{INT:ms:int} ms' } })],
    }),
  },
];

function makeBatch(gen: Gen, seed: number): RawBatch {
  const r = prng(seed);
  return {
    v: 1, tenant: 'bench', batchId: '01HRZ8X7Q6V3M2K1J0H9G8F7E6', receivedAt: BASE + 3600_000,
    source: { protocol: 'http-ndjson' },
    lines: Array.from({ length: 1000 }, (_, i) => ({ line: gen(r, i) })),
  };
}

export function benchmarkParsers(options: ParserBenchOptions = {}): ParserBenchResult[] {
  const duration = options.durationMs ?? 1000;
  const results: ParserBenchResult[] = [];
  for (const s of SCENARIOS) {
    if (options.formats && !options.formats.includes(s.name)) continue;
    const batches = [makeBatch(s.gen, 1), makeBatch(s.gen, 2), makeBatch(s.gen, 3)];
    const bytes = batches[0].lines.reduce((n, l) => n + Buffer.byteLength(l.line), 0);
    const parseOptions = s.options?.() ?? {};
    const warmUntil = performance.now() + Math.min(200, duration / 5);
    let k = 0;
    while (performance.now() < warmUntil) parseBatch(batches[k++ % 3], parseOptions);
    let lines = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    let now = start;
    while (now - start < duration) {
      lines += parseBatch(batches[k++ % 3], parseOptions).stats.lines;
      now = performance.now();
    }
    const used = process.cpuUsage(cpu);
    const cpuSec = (used.user + used.system) / 1e6;
    results.push({
      format: s.name,
      linesPerSec: Math.round(lines / ((now - start) / 1000)),
      linesPerCpuSec: Math.round(lines / cpuSec),
      avgLineBytes: Math.round(bytes / 1000),
    });
  }
  return results;
}

if (require.main === module) {
  console.table(benchmarkParsers());
}
