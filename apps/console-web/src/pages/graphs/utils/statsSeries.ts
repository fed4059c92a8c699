import type { NumericStats } from '../../../api/types';

export const STATS = ['count', 'avg', 'p50', 'p95', 'p99'] as const;
export type Stat = (typeof STATS)[number];

/** One series of a numeric field's statistics over time, ready for a chart (x in seconds). */
export function statSeries(stats: NumericStats, stat: Stat): { x: number[]; y: Array<number | null> } {
  const x = stats.buckets.map((b) => b.ts / 1000);
  const y = stats.buckets.map((b) => {
    if (stat === 'count') return b.count;
    if (stat === 'avg') return b.avg;
    return b.percentiles[stat.slice(1)] ?? b.percentiles[`${stat.slice(1)}.0`] ?? null;
  });
  return { x, y };
}

/** The overall figure of a stat, for the summary under the chart. */
export function overall(stats: NumericStats, stat: Stat): number | null {
  const row = stats.overall;
  if (stat === 'count') return row.count;
  if (stat === 'avg') return row.avg;
  return row.percentiles[stat.slice(1)] ?? row.percentiles[`${stat.slice(1)}.0`] ?? null;
}

export interface GraphState {
  q: string;
  from: string;
  to: string;
  field: string;
  kind: 'top' | 'stats';
  stat: Stat;
}

export function readGraphState(params: URLSearchParams): GraphState {
  const stat = params.get('stat') as Stat | null;
  return {
    q: params.get('q') ?? '',
    from: params.get('from') || '-1h',
    to: params.get('to') || 'now',
    field: params.get('field') ?? '',
    kind: params.get('kind') === 'stats' ? 'stats' : 'top',
    stat: stat && (STATS as readonly string[]).includes(stat) ? stat : 'p95',
  };
}

export function graphHref(s: GraphState): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.from !== '-1h') p.set('from', s.from);
  if (s.to !== 'now') p.set('to', s.to);
  if (s.field) p.set('field', s.field);
  if (s.kind !== 'top') p.set('kind', s.kind);
  if (s.stat !== 'p95') p.set('stat', s.stat);
  const t = p.toString();
  return t ? `/graphs?${t}` : '/graphs';
}
