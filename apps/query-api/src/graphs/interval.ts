/** Bucket sizes graphs use, smallest first. */
const STEPS: Array<[string, number]> = [
  ['1s', 1e3], ['5s', 5e3], ['10s', 1e4], ['30s', 3e4], ['1m', 6e4], ['5m', 3e5], ['10m', 6e5], ['30m', 18e5],
  ['1h', 36e5], ['3h', 108e5], ['12h', 432e5], ['1d', 864e5], ['7d', 6048e5],
];

export const MAX_BUCKETS = 500;
const MAX_INTERVAL_MS = 3650 * 864e5;

/** The smallest step giving at most `target` buckets over the range (about 100 by default). */
export function autoInterval(from: number, to: number, target = 100): { name: string; ms: number } {
  const span = Math.max(1, to - from);
  const step = STEPS.find(([, ms]) => span / ms <= target) ?? STEPS[STEPS.length - 1];
  return { name: step[0], ms: step[1] };
}

/** Read an interval given by the user (`30s`, `5m`, `1h`, `1d`) or choose one for `auto`. */
export function parseInterval(text: string | undefined, from: number, to: number): { name: string; ms: number } {
  if (!text || text === 'auto') return autoInterval(from, to);
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!match) throw new RangeError(`interval "${text}" must be auto or a number with s, m, h or d (e.g. 30s, 5m)`);
  const ms = Number(match[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[match[2] as 's' | 'm' | 'h' | 'd'];
  if (ms <= 0) throw new RangeError('interval must be positive');
  if (ms > MAX_INTERVAL_MS) throw new RangeError('interval must be at most 3650d');
  if ((to - from) / ms > MAX_BUCKETS) throw new RangeError(`interval ${text} gives more than ${MAX_BUCKETS} buckets over this range; choose a larger one`);
  return { name: text, ms };
}
