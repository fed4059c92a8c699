/**
 * Finding the well-known keys (message, time, level, app, host, tags) of a structured line
 * (JSON, logfmt). Nothing is deleted here: the keys are recorded in `parsed.keys`, and the
 * pipeline leaves out of the event's fields the message and tags keys, and a time/level/
 * app/host key only when its value is the one used for the event (the line's own metadata
 * wins). Unusable values (`level: {...}`, `time: "soon"`) stay ordinary fields, so nothing
 * is lost.
 *
 * For each role the first key of its list holding a usable value wins. One pass over the
 * object's keys with a map lookup each, rather than probing ~27 names per line.
 */
import { aliasQuery, withCanonicalFields, type AliasHit, type Role } from '@millrace/field-aliases';
import { levelFromValue } from '../levels';
import { parseTimeValue } from '../time';
import type { KeyRef, Parsed } from '../types';

const WITH_MESSAGE: readonly Role[] = ['message', 'timestamp', 'level', 'app', 'host', 'tags'];
const WITHOUT_MESSAGE: readonly Role[] = ['timestamp', 'level', 'app', 'host', 'tags'];
/** Roles whose value goes as it is into the slot of the same name. */
const SLOTS = ['level', 'app', 'host', 'tags'] as const;

// The queries are compiled once; the time of the line being read reaches the callback here
// (parsing is synchronous, one line at a time).
let receivedAtNow = 0;
/** The time of the winning candidate: the last one accepted (candidates only ever improve). */
let acceptedTsMs: number | undefined;
const queryOptions = {
  acceptTimestamp: (value: string | number): boolean => (acceptedTsMs = parseTimeValue(value, receivedAtNow)) !== undefined,
  levelOf: levelFromValue,
};
const WITH_MESSAGE_QUERY = aliasQuery({ ...queryOptions, roles: WITH_MESSAGE });
const WITHOUT_MESSAGE_QUERY = aliasQuery({ ...queryOptions, roles: WITHOUT_MESSAGE });

/** Where a used value is, for the pipeline to leave it out: a top-level key, or a nested path. Kept fields have none. */
function keyRef(hit: AliasHit): KeyRef | undefined {
  if (hit.keep) return undefined;
  return hit.path.length === 1 ? hit.path[0] : hit.path;
}

/**
 * Fill `parsed` (message, tsMs, level, app, host, tags, keys) from `fields` by the field-alias
 * table (`@millrace/field-aliases`, shared with the gateway), and move trace context and
 * Kubernetes metadata to their canonical names in `parsed.fields`.
 */
export function consumeReserved(parsed: Parsed, fields: Record<string, unknown>, receivedAt: number, takeMessage: boolean): void {
  receivedAtNow = receivedAt;
  acceptedTsMs = undefined;
  const aliases = (takeMessage ? WITH_MESSAGE_QUERY : WITHOUT_MESSAGE_QUERY).resolve(fields);
  const keys: NonNullable<Parsed['keys']> = {};
  if (aliases.message !== undefined) {
    parsed.message = trimNewlines(aliases.message.value);
    keys.message = keyRef(aliases.message);
  }
  if (aliases.timestamp !== undefined) {
    parsed.tsMs = acceptedTsMs;
    parsed.tsRaw = aliases.timestamp.raw;
    keys.ts = keyRef(aliases.timestamp);
  }
  for (const role of SLOTS) {
    const hit = aliases[role];
    if (hit === undefined) continue;
    (parsed as Pick<Parsed, typeof role>)[role] = hit.value as never;
    keys[role] = keyRef(hit);
  }
  parsed.keys = keys;
  if (aliases.canonical !== undefined) parsed.fields = withCanonicalFields(parsed.fields, aliases.canonical);
}

/** Drop trailing CR/LF (Docker's json-file `log` values end with "\n"). */
export function trimNewlines(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 10 && c !== 13) break;
    end--;
  }
  return end === s.length ? s : s.slice(0, end);
}
