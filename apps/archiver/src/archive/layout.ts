import { monotonicFactory } from 'ulid';

/**
 * Where archived events live in a destination, laid out for in-place querying (Hive-style
 * partitions that Athena, Trino, Spark or DuckDB read without a catalogue):
 *
 *   <prefix>/tenant=<id>/year=YYYY/month=MM/day=DD/hour=HH/<part>.ndjson.gz
 *   <prefix>/tenant=<id>/year=YYYY/month=MM/day=DD/hour=HH/<part>.manifest.json
 *
 * The hour is the events' own time (UTC), so a range of event time maps to a list of folders.
 * A part is a ULID: unique across replicas, sorted by creation time within its hour.
 */
export const HOUR_MS = 3_600_000;
export const DATA_SUFFIX = '.ndjson.gz';
export const MANIFEST_SUFFIX = '.manifest.json';

const nextUlid = monotonicFactory();

export function newPartId(now = Date.now()): string {
  return nextUlid(now);
}

export function hourStart(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `tenant=<id>/year=YYYY/month=MM/day=DD/hour=HH`, always UTC. */
export function hourPath(tenant: string, hour: number): string {
  const d = new Date(hourStart(hour));
  return `tenant=${tenant}/year=${d.getUTCFullYear()}/month=${pad(d.getUTCMonth() + 1)}/day=${pad(d.getUTCDate())}/hour=${pad(d.getUTCHours())}`;
}

/** Join key segments with single slashes, whatever slashes the segments carry. */
export function joinKey(...segments: string[]): string {
  return segments
    .flatMap((s) => s.split('/'))
    .filter((s) => s.length > 0)
    .join('/');
}

/** The folder (key prefix, ending with `/`) of one tenant's hour in a destination. */
export function hourPrefix(prefix: string, tenant: string, hour: number): string {
  return `${joinKey(prefix, hourPath(tenant, hour))}/`;
}

export interface PartKeys {
  data: string;
  manifest: string;
}

export function partKeys(prefix: string, tenant: string, hour: number, partId: string): PartKeys {
  const folder = hourPrefix(prefix, tenant, hour);
  return { data: `${folder}${partId}${DATA_SUFFIX}`, manifest: `${folder}${partId}${MANIFEST_SUFFIX}` };
}

export interface ParsedKey {
  tenant: string;
  hour: number;
  partId: string;
  kind: 'data' | 'manifest';
}

const KEY_PATTERN = /(?:^|\/)tenant=([a-z0-9][a-z0-9_-]{0,62})\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/([^/]+?)(\.ndjson\.gz|\.manifest\.json)$/;

/** Read a key of the layout back, or undefined when the key is not one of ours. */
export function parsePartKey(key: string): ParsedKey | undefined {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  const [, tenant, year, month, day, hourOfDay, partId, suffix] = m;
  const hour = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hourOfDay));
  if (Number.isNaN(hour) || hourPath(tenant, hour) !== `tenant=${tenant}/year=${year}/month=${month}/day=${day}/hour=${hourOfDay}`) return undefined;
  return { tenant, hour, partId, kind: suffix === DATA_SUFFIX ? 'data' : 'manifest' };
}

/** Every hour (its start) that overlaps [from, to], oldest first. */
export function hoursInRange(from: number, to: number, maxHours = 24 * 400): number[] {
  if (!(to >= from)) return [];
  const first = hourStart(from);
  const last = hourStart(to);
  const count = (last - first) / HOUR_MS + 1;
  if (count > maxHours) throw new RangeError(`the range covers ${count} hours, more than ${maxHours}`);
  return Array.from({ length: count }, (_, i) => first + i * HOUR_MS);
}
