/** How much of the daily quota is used: a fraction (0..1+) and words, or "unlimited". */
export function quotaUse(usedBytes: number, limitBytes: number): { fraction?: number; text: string } {
  if (!limitBytes) return { text: 'no daily quota (unlimited)' };
  const fraction = usedBytes / limitBytes;
  return { fraction, text: `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}% of the daily quota used` };
}

/** Today in UTC as YYYY-MM-DD (quotas and usage days are UTC days). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
