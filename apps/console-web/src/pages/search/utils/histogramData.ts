import type { Histogram } from '../../../api/types';

export interface StackedHistogram {
  /** Bucket starts in seconds (uPlot's time unit). */
  x: number[];
  /** One entry per series, bottom first: its own counts and the cumulative top it is drawn to. */
  series: Array<{ key: string; counts: number[]; top: number[]; total: number }>;
  total: number;
}

/**
 * Series of a split histogram stacked for bar drawing: each series is drawn up to the sum of
 * itself and those below it, the tallest first, so every bar shows each part in its colour.
 */
export function stackHistogram(h: Histogram): StackedHistogram {
  const x = h.buckets.map((b) => b / 1000);
  const parts = h.series && h.series.length > 0 ? h.series : [{ key: 'lines', counts: h.total }];
  const running = new Array<number>(x.length).fill(0);
  const series = parts.map((s) => {
    const top = s.counts.map((c, i) => (running[i] += c));
    return { key: s.key, counts: s.counts, top: [...top], total: s.counts.reduce((a, b) => a + b, 0) };
  });
  return { x, series, total: h.total.reduce((a, b) => a + b, 0) };
}

const LEVEL_COLOURS: Record<string, string> = {
  fatal: '#7f1d1d', error: '#dc2626', warn: '#d97706', warning: '#d97706', info: '#2563eb', debug: '#6b7280', trace: '#9ca3af',
  __other__: '#a3a3a3', lines: '#3b82f6',
};
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#db2777', '#65a30d'];

export function seriesColour(key: string, index: number): string {
  return LEVEL_COLOURS[key.toLowerCase()] ?? PALETTE[index % PALETTE.length];
}

export function seriesLabel(key: string): string {
  return key === '__other__' ? 'other' : key === '' ? '(none)' : key;
}
