// Durability under cluster faults (issue 19 item 2), tried as an operator would: the canary
// (apps/canary, a spawned process) writes numbered lines at a steady rate through both gateways
// with Idempotency-Key retries and reads them back through search and the live tail on both
// query-apis, while its fault schedule kills -9 the NATS node leading INGEST, then a follower,
// the OpenSearch data node, the elected OpenSearch manager, and one replica of every replicated
// service. Each fault: 0 acknowledged lines lost, 0 duplicated, and the canary's lags back to
// their steady level (measured, reported, not timed).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { uniqueOrg } from '../support/platform';
import { REPO_ROOT } from '../support/stack';
import { CLUSTER_PROFILE, createOrg } from './support';

interface PhaseFigures {
  acknowledged: number;
  write: { p50: number; p99: number; max: number };
  search: { p50: number; p99: number; max: number; missing: number; duplicated: number; late: number };
  tail: { p50: number; p99: number; max: number; missing: number; duplicated: number };
}
interface Report {
  counts: { acknowledged: number; unacknowledged: number; search: { missing: number; duplicated: number }; tail: { missing: number; duplicated: number } };
  exportCheck: { exported: number; missing: number; duplicated: number };
  steady: PhaseFigures;
  faults: Array<{ name: string; targets: string[]; outageMs: number; recoveryMs?: number; peakLagMs: Record<string, number>; catchUpLinesPerSecond: number; figures: PhaseFigures }>;
  verdict: { pass: boolean; problems: string[] };
}

const PHASES = ['nats-stream-leader', 'nats-follower', 'opensearch-data-node', 'opensearch-manager', 'service-replicas'];
const REPORT = path.join(REPO_ROOT, '.millrace', 'stack', CLUSTER_PROFILE, 'faults-report.json');
let report: Report;
let exitCode: number | null;

beforeAll(async () => {
  const org = createOrg(uniqueOrg('faults'));
  mkdirSync(path.dirname(REPORT), { recursive: true });
  const child = spawn(process.execPath, [
    path.join(REPO_ROOT, 'apps', 'canary', 'dist', 'main.js'),
    '--profile', CLUSTER_PROFILE, '--faults', PHASES.join(','), '--rate', '500', '--batch', '50', '--json', REPORT, '--metrics-port=-1',
  ], {
    env: { ...process.env, CANARY_INGEST_KEY: org.ingestKey, CANARY_READ_KEY: org.readKey, CANARY_MISSING_MS: '90000', CANARY_FAULT_SETTLE_MS: '4000', CANARY_FAULT_DOWN_MS: '5000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => process.stderr.write(c));
  exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  process.stderr.write(output);
  report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
  writeFileSync(`${REPORT}.txt`, output);
}, 600_000);

describe('the clustered profile under faults', () => {
  it.each(PHASES)('%s: every acknowledged line written during it is found once, and the canary recovers', (name) => {
    const phase = report.faults.find((f) => f.name === name);
    expect(phase).toBeDefined();
    const f = phase!.figures;
    expect(f.acknowledged).toBeGreaterThan(0);
    expect({ name, search: [f.search.missing, f.search.duplicated], tail: [f.tail.missing, f.tail.duplicated] }).toEqual({ name, search: [0, 0], tail: [0, 0] });
    expect(phase!.recoveryMs).toBeDefined();
  });

  it('loses and duplicates nothing over the whole run, checked once more through export, and says PASS', () => {
    expect(report.counts.search).toMatchObject({ missing: 0, duplicated: 0 });
    expect(report.counts.tail).toMatchObject({ missing: 0, duplicated: 0 });
    expect(report.exportCheck).toMatchObject({ missing: 0, duplicated: 0 });
    expect(report.exportCheck.exported).toBeGreaterThanOrEqual(report.counts.acknowledged);
    expect(report.verdict).toEqual({ pass: true, problems: [] });
    expect(exitCode).toBe(0);
  });
});
