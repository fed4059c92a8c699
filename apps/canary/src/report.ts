import type { ExportCheck } from './canary';
import type { PhaseReport } from './faults/run';
import type { LedgerCounts } from './ledger';
import type { LatencySummary, PhaseFigures } from './stats';

export interface CanaryReport {
  run: string;
  startedAt: string;
  durationSeconds: number;
  rate: number;
  counts: LedgerCounts;
  exportCheck?: ExportCheck;
  tail: { reconnects: number; dropped: number };
  overall: PhaseFigures;
  steady: PhaseFigures;
  faults?: PhaseReport[];
  verdict: { pass: boolean; problems: string[] };
}

/** What makes a run fail: any acknowledged line lost or duplicated on any path, or a fault it did not recover from. */
export function verdictOf(r: Omit<CanaryReport, 'verdict'>, { checkTail }: { checkTail: boolean }): { pass: boolean; problems: string[] } {
  const problems: string[] = [];
  const c = r.counts;
  if (c.search.missing > 0) problems.push(`${c.search.missing} acknowledged lines never became searchable`);
  if (c.search.duplicated > 0) problems.push(`${c.search.duplicated} lines were found twice through search`);
  if (checkTail && c.tail.missing > 0) problems.push(`${c.tail.missing} acknowledged lines never arrived on the live tail`);
  if (checkTail && c.tail.duplicated > 0) problems.push(`${c.tail.duplicated} lines arrived twice on the live tail`);
  if (r.exportCheck?.missing) problems.push(`${r.exportCheck.missing} acknowledged lines are absent from the export`);
  if (r.exportCheck?.duplicated) problems.push(`${r.exportCheck.duplicated} lines are exported twice`);
  if (c.acknowledged === 0) problems.push('no line was acknowledged');
  for (const f of r.faults ?? []) if (f.recoveryMs === undefined) problems.push(`did not recover from ${f.name}`);
  return { pass: problems.length === 0, problems };
}

const ms = (s: LatencySummary) => (s.count === 0 ? '—' : `p50 ${s.p50} / p99 ${s.p99} / max ${s.max} ms`);

/** A few lines for people (stdout); the JSON report has everything. */
export function formatReport(r: CanaryReport): string {
  const c = r.counts;
  const lines = [
    `canary ${r.run}: ${c.acknowledged} lines acknowledged in ${r.durationSeconds} s at ${r.rate} lines/s (${c.unacknowledged} given up)`,
    `  search: missing ${c.search.missing}, duplicated ${c.search.duplicated}, late ${c.search.late}; write→searchable ${ms(r.overall.search)}`,
    `  tail:   missing ${c.tail.missing}, duplicated ${c.tail.duplicated}, late ${c.tail.late}; write→tail ${ms(r.overall.tail)} (reconnects ${r.tail.reconnects}, dropped ${r.tail.dropped})`,
    `  write (2xx, retries included): ${ms(r.overall.write)}`,
  ];
  if (r.exportCheck) lines.push(`  export: ${r.exportCheck.exported} lines, missing ${r.exportCheck.missing}, duplicated ${r.exportCheck.duplicated}`);
  if (r.faults) {
    lines.push(`  steady state: write→searchable ${ms(r.steady.search)}, write→tail ${ms(r.steady.tail)}`);
    for (const f of r.faults) {
      lines.push(
        `  fault ${f.name} (${f.targets.join(', ')}): down ${f.outageMs} ms, ` +
        `${f.recoveryMs === undefined ? 'NOT recovered' : `recovered in ${f.recoveryMs} ms`}; ` +
        `lines written meanwhile ${f.figures.acknowledged}: missing ${f.figures.search.missing}, duplicated ${f.figures.search.duplicated}; ` +
        `write ${ms(f.figures.write)}; searchable ${ms(f.figures.search)}; tail ${ms(f.figures.tail)}; catch-up ${f.catchUpLinesPerSecond} lines/s`,
      );
    }
  }
  lines.push(r.verdict.pass ? 'VERDICT: PASS' : `VERDICT: FAIL — ${r.verdict.problems.join('; ')}`);
  return lines.join('\n');
}
