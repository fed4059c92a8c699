import { formatLocal } from '../../../utils/time';

export interface Preset {
  from: string;
  label: string;
}

/** Relative ranges offered first; the query-api reads them (`-15m` … `-30d`, `now`). */
export const PRESETS: Preset[] = [
  { from: '-5m', label: 'Last 5 minutes' },
  { from: '-15m', label: 'Last 15 minutes' },
  { from: '-1h', label: 'Last hour' },
  { from: '-4h', label: 'Last 4 hours' },
  { from: '-24h', label: 'Last 24 hours' },
  { from: '-7d', label: 'Last 7 days' },
  { from: '-30d', label: 'Last 30 days' },
];

const RELATIVE = /^(?:now)?-(\d+)([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Epoch ms of a bound as the query-api reads it (relative, `now`, epoch ms, ISO), at `now`. */
export function resolveBound(bound: string, now: number): number | undefined {
  if (bound === 'now' || bound === '') return now;
  const rel = RELATIVE.exec(bound);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  if (/^\d{10,}$/.test(bound)) return Number(bound);
  const iso = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(bound) ? bound : `${bound}Z`);
  return Number.isFinite(iso) ? iso : undefined;
}

export function isRelative(from: string, to: string): boolean {
  return RELATIVE.test(from) && (to === 'now' || to === '');
}

/** How the range reads on the picker's button. */
export function describeRange(from: string, to: string, now = Date.now()): string {
  const preset = PRESETS.find((p) => p.from === from && (to === 'now' || to === ''));
  if (preset) return preset.label;
  if (isRelative(from, to)) return `Last ${from.replace(/^(now)?-/, '')}`;
  const a = resolveBound(from, now);
  const b = resolveBound(to, now);
  if (a === undefined || b === undefined) return `${from} → ${to}`;
  return `${formatLocal(a)} → ${to === 'now' ? 'now' : formatLocal(b)}`;
}

/** The range zoomed to [a, b] (epoch ms, in either order), rounded to whole milliseconds. */
export function zoomTo(a: number, b: number): { from: string; to: string } {
  const lo = Math.floor(Math.min(a, b));
  const hi = Math.ceil(Math.max(a, b));
  return { from: String(lo), to: String(hi === lo ? lo + 1 : hi) };
}

/** Twice as wide around the same middle (zoom out), never ending after now. */
export function zoomOut(from: string, to: string, now = Date.now()): { from: string; to: string } {
  const a = resolveBound(from, now) ?? now - 3_600_000;
  const b = resolveBound(to, now) ?? now;
  const half = b - a;
  const hi = Math.min(now, b + half / 2);
  return { from: String(Math.floor(a - half / 2)), to: hi >= now ? 'now' : String(Math.ceil(hi)) };
}
