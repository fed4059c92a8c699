/** Shared formatting of times: the browser's zone for reading, UTC for exactness. */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-12-02 14:03:07.123` in the browser's time zone (without the date: only the time). */
export function formatLocal(ms: number, withDate = true): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

/** ISO 8601 in UTC, e.g. `2026-12-02T13:03:07.123Z`. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** A value for `<input type="datetime-local">` (browser zone, to the second). */
export function toDatetimeLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The epoch ms of a `datetime-local` value (read in the browser's zone), or undefined. */
export function fromDatetimeLocal(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
