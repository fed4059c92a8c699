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
import { LIMITS } from '@millrace/log-schema';
import { levelFromValue } from '../levels';
import { parseTimeValue } from '../time';
import type { Parsed } from '../types';

export const MESSAGE_KEYS = ['message', 'msg', 'log', 'text', '@message', 'short_message', 'event'];
export const TS_KEYS = ['timestamp', '@timestamp', 'time', 'ts', 't', 'date', 'datetime'];
export const LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log_level', 'levelname'];
export const APP_KEYS = ['app', 'application', 'app_name', 'appname'];
export const HOST_KEYS = ['host', 'hostname', 'host_name'];

const MESSAGE = 0;
const TS = 1;
const LEVEL = 2;
const APP = 3;
const HOST = 4;
const TAGS = 5;

/** key -> [role, rank within the role's list] */
const ROLES = new Map<string, [number, number]>();
[MESSAGE_KEYS, TS_KEYS, LEVEL_KEYS, APP_KEYS, HOST_KEYS, ['tags']].forEach((keys, role) => {
  keys.forEach((key, rank) => ROLES.set(key, [role, rank]));
});

function isName(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v.length <= LIMITS.maxNameLength;
}

/** Fill `parsed` (message, tsMs, level, app, host, tags, keys) from `fields`. */
export function consumeReserved(parsed: Parsed, fields: Record<string, unknown>, receivedAt: number, takeMessage: boolean): void {
  const rank = [99, 99, 99, 99, 99, 99];
  const keys: NonNullable<Parsed['keys']> = {};
  for (const key of Object.keys(fields)) {
    const role = ROLES.get(key);
    if (role === undefined || role[1] >= rank[role[0]]) continue;
    const v = fields[key];
    switch (role[0]) {
      case MESSAGE:
        if (!takeMessage || typeof v !== 'string') continue;
        parsed.message = trimNewlines(v);
        keys.message = key;
        break;
      case TS: {
        const ms = v === null || v === undefined ? undefined : parseTimeValue(v, receivedAt);
        if (ms === undefined) continue;
        parsed.tsMs = ms;
        parsed.tsRaw = v;
        keys.ts = key;
        break;
      }
      case LEVEL:
        if (!((typeof v === 'string' && v !== '') || typeof v === 'number') || levelFromValue(v) === undefined) continue;
        parsed.level = v;
        keys.level = key;
        break;
      case APP:
        if (!isName(v)) continue;
        parsed.app = v;
        keys.app = key;
        break;
      case HOST:
        if (!isName(v)) continue;
        parsed.host = v;
        keys.host = key;
        break;
      case TAGS:
        if (!Array.isArray(v) || v.length === 0 || !v.every((t) => typeof t === 'string')) continue;
        parsed.tags = v as string[];
        keys.tags = key;
        break;
    }
    rank[role[0]] = role[1];
  }
  parsed.keys = keys;
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
