/**
 * Every OpenSearch name Millrace uses, in one place.
 *
 * Layout: one index per retention class and UTC day, `millrace-events-<class>-YYYY.MM.DD`.
 * A tenant's events go to the index of its retention class; expiring a day of a class is the
 * deletion of a whole index, never a delete-by-query over shared data. Documents are routed
 * by tenant, and every query carries the tenant filter and routing itself.
 */
export const INDEX_PREFIX = 'millrace-events';
export const EVENTS_TEMPLATE = 'millrace-events';
export const ALL_EVENTS_PATTERN = `${INDEX_PREFIX}-*`;

/** Retention classes: days kept. A tenant's class is one of its organisation settings. */
export const RETENTION_CLASSES = { r3: 3, r7: 7, r14: 14, r30: 30, r90: 90, r365: 365 } as const;
export type RetentionClass = keyof typeof RETENTION_CLASSES;
export const DEFAULT_RETENTION_CLASS: RetentionClass = 'r30';

export function isRetentionClass(value: string): value is RetentionClass {
  return Object.prototype.hasOwnProperty.call(RETENTION_CLASSES, value);
}

function day(ts: number): string {
  const d = new Date(ts);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${d.getUTCFullYear()}.${mm}.${dd}`;
}

export function eventIndexName(retention: RetentionClass, ts: number): string {
  return `${INDEX_PREFIX}-${retention}-${day(ts)}`;
}

/** Parse an index name back into its class and day (UTC midnight), or undefined if not ours. */
export function parseEventIndexName(name: string): { retention: RetentionClass; dayStart: number } | undefined {
  const match = /^millrace-events-(r\d+)-(\d{4})\.(\d{2})\.(\d{2})$/.exec(name);
  if (!match || !isRetentionClass(match[1])) return undefined;
  return { retention: match[1], dayStart: Date.UTC(Number(match[2]), Number(match[3]) - 1, Number(match[4])) };
}

/**
 * Indices worth searching for a time range: all classes, only the days in range. Wildcards keep
 * the list short; `ignore_unavailable` on the search covers days with no index.
 */
export function indicesForRange(from: number, to: number): string[] {
  const DAY = 86400000;
  const start = Math.floor(from / DAY) * DAY;
  const days = Math.floor(to / DAY) - Math.floor(from / DAY) + 1;
  if (days > 62) return [ALL_EVENTS_PATTERN];
  const names: string[] = [];
  for (let t = start; t <= to; t += DAY) names.push(`${INDEX_PREFIX}-*-${day(t)}`);
  return names;
}

/**
 * Rehydrated archives: one temporary index per rehydration job,
 * `millrace-rehydrated-<tenant>-<job id>`, outside the events pattern (never searched by default),
 * created with the events mapping and removed whole when the job expires.
 */
export const REHYDRATED_INDEX_PREFIX = 'millrace-rehydrated';
export const ALL_REHYDRATED_PATTERN = `${REHYDRATED_INDEX_PREFIX}-*`;
/** Job ids are lower-case ULIDs: 26 characters of Crockford base 32, valid in index names. */
export const REHYDRATION_JOB_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function rehydratedIndexName(tenant: string, jobId: string): string {
  return `${REHYDRATED_INDEX_PREFIX}-${tenant}-${jobId}`;
}

/** Parse a rehydrated index name back into its tenant and job, or undefined if not one. */
export function parseRehydratedIndexName(name: string): { tenant: string; jobId: string } | undefined {
  const match = /^millrace-rehydrated-([a-z0-9][a-z0-9_-]{0,62})-([0-9a-z]{26})$/.exec(name);
  if (!match || !REHYDRATION_JOB_ID_PATTERN.test(match[2])) return undefined;
  return { tenant: match[1], jobId: match[2] };
}
