import { formatLocal, formatUtc } from '../utils/time';

/** A time in the browser's zone, with the UTC time on hover (and for screen readers in the title). */
export function Time({ ms, withDate = true }: { ms: number; withDate?: boolean }) {
  const utc = formatUtc(ms);
  return <time dateTime={utc} title={`${utc} UTC`}>{formatLocal(ms, withDate)}</time>;
}
