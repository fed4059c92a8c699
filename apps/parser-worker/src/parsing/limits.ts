/**
 * Field safety: whatever a tenant sends, the fields of an event must index.
 *
 * - Paths: a dotted name is a path, stored as nested objects (`{"http.status_code": 200}` →
 *   `{"http": {"status_code": 200}}`), merged with an object already at that name, so it is
 *   what OpenSearch and the query language read (`http.status_code:200`) and agrees with the
 *   parser's own nested fields (`http.status`). A dotted name that cannot be a path (an empty
 *   segment, or a segment that already holds a plain value) falls back to the flat name below.
 * - Names (each path segment): '@' (and '.' in the flat fallback) becomes '_', leading '_' are
 *   stripped (reserved for metadata fields such as _id/_source), an empty result becomes
 *   `empty`, names longer than LIMITS.maxKeyLength are cut. Case is kept. When two keys end up
 *   with the same name the first one wins and the other is dropped (counted); two objects at
 *   the same name are merged.
 * - Count: at most LIMITS.maxFields names per event, counting every key at every depth
 *   (objects and the objects inside arrays too, and each object a path creates), which is
 *   what the mapping's total_fields limit counts. Extra keys are dropped and counted.
 * - Depth: objects nested deeper than LIMITS.maxDepth are stored as their JSON text.
 * - Values: strings are redacted (when a redactor is given) and then, if longer than
 *   LIMITS.maxValueLength bytes, truncated with the marker - in that order, so a cut never
 *   leaves half a card number visible;
 *   non-finite numbers and bigints become strings; undefined/functions are dropped; booleans
 *   and null are kept.
 */
import { LIMITS, truncateUtf8 } from '@millrace/log-schema';

export interface LimitTally {
  droppedFields: number;
  truncatedFields: number;
  truncatedKeys: number;
  stringifiedFields: number;
  renamedFields: number;
}

export function newLimitTally(): LimitTally {
  return { droppedFields: 0, truncatedFields: 0, truncatedKeys: 0, stringifiedFields: 0, renamedFields: 0 };
}

/** The name OpenSearch will see for a key (see the rules above). */
export function sanitiseKey(key: string, tally?: LimitTally): string {
  const n = key.length;
  let clean = n > 0 && n <= LIMITS.maxKeyLength && key.charCodeAt(0) !== 95;
  if (clean) {
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c === 46 || c === 64) { clean = false; break; }
    }
  }
  if (clean) return key;
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    out += c === 46 || c === 64 ? '_' : key[i];
  }
  let start = 0;
  while (start < out.length && out.charCodeAt(start) === 95) start++;
  out = out.slice(start);
  if (out.length > LIMITS.maxKeyLength) {
    out = out.slice(0, LIMITS.maxKeyLength);
    if (tally) tally.truncatedKeys++;
  }
  if (out === '') out = 'empty';
  if (tally && out !== key) tally.renamedFields++;
  return out;
}

/** Applied to every string and number leaf while sanitising (redaction). */
export interface LeafHooks {
  text(s: string): string;
  number(n: number): unknown;
}

interface Budget {
  left: number;
  hooks: LeafHooks | undefined;
}

/** One object whose keys become top-level fields; `skip` lists keys to leave out. */
export interface FieldSource {
  fields: Record<string, unknown> | undefined;
  skip?: Array<string | undefined>;
}

/**
 * Sanitise several sources into one fields object. On a name collision the earlier source
 * wins (callers pass them in precedence order), so merging and sanitising is one pass.
 */
export function sanitiseFields(sources: FieldSource[], tally: LimitTally, hooks?: LeafHooks, maxFields: number = LIMITS.maxFields): Record<string, unknown> {
  const budget: Budget = { left: maxFields, hooks };
  const out: Record<string, unknown> = {};
  let filled = false;
  for (const source of sources) {
    if (!source.fields) continue;
    sanitiseInto(out, source.fields, 1, budget, tally, filled, source.skip);
    filled = true;
  }
  return out;
}

function sanitiseObject(obj: Record<string, unknown>, depth: number, budget: Budget, tally: LimitTally): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  sanitiseInto(out, obj, depth, budget, tally, false, undefined);
  return out;
}

function sanitiseInto(
  out: Record<string, unknown>, obj: Record<string, unknown>, depth: number, budget: Budget, tally: LimitTally,
  mayCollide: boolean, skip: Array<string | undefined> | undefined,
): void {
  let check = mayCollide;
  for (const rawKey of Object.keys(obj)) {
    if (skip !== undefined && skip.includes(rawKey)) continue;
    const value = obj[rawKey];
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (budget.left <= 0) {
      tally.droppedFields++;
      continue;
    }
    const dot = rawKey.indexOf('.');
    if (dot > 0 && rawKey.length <= MAX_PATH_KEY_LENGTH) {
      // A path merges into objects of this level: collisions are possible from here on.
      check = true;
      if (placePath(out, rawKey, value, depth, budget, tally)) continue;
    }
    const key = sanitiseKey(rawKey, tally);
    // keys of one object are unique: a collision needs a renamed key, a path or a second source
    if (key !== rawKey) check = true;
    if (check && hasOwn(out, key)) {
      mergeOrDrop(out[key], value, depth, budget, tally);
      continue;
    }
    budget.left--;
    out[key] = sanitiseValue(value, depth, budget, tally);
  }
}

/** Longest dotted name read as a path; longer ones are flattened (a path costs a split). */
const MAX_PATH_KEY_LENGTH = 1024;

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A second value for a name already filled: two objects merge (the first's keys win), else the second is dropped. */
function mergeOrDrop(existing: unknown, value: unknown, depth: number, budget: Budget, tally: LimitTally): void {
  if (isPlainObject(existing) && isPlainObject(value) && depth < LIMITS.maxDepth) sanitiseInto(existing, value, depth + 1, budget, tally, true, undefined);
  else tally.droppedFields++;
}

/**
 * Store `value` at the path `rawKey` (`a.b.c`) below `out`, creating or entering objects.
 * False when the name cannot be a path here (an empty segment, no depth left, or a segment
 * holding a plain value): the caller then stores it under its flat name.
 */
function placePath(out: Record<string, unknown>, rawKey: string, value: unknown, depth: number, budget: Budget, tally: LimitTally): boolean {
  let segments = rawKey.split('.');
  for (const segment of segments) if (segment === '') return false;
  // Objects a path may create here without going past maxDepth; the rest stays one name.
  const room = LIMITS.maxDepth - depth;
  if (room <= 0) return false;
  if (segments.length - 1 > room) segments = [...segments.slice(0, room), segments.slice(room).join('_')];
  // Find where the path leaves existing objects, before creating anything.
  let target = out;
  let i = 0;
  const names = segments.map((segment) => sanitiseKey(segment, tally));
  for (; i < names.length - 1; i++) {
    if (!hasOwn(target, names[i])) break;
    const next = target[names[i]];
    if (!isPlainObject(next)) return false;
    target = next;
  }
  for (; i < names.length - 1; i++) {
    if (budget.left <= 0) {
      tally.droppedFields++;
      return true;
    }
    budget.left--;
    const created: Record<string, unknown> = {};
    target[names[i]] = created;
    target = created;
  }
  const leaf = names[names.length - 1];
  const leafDepth = depth + names.length - 1;
  if (hasOwn(target, leaf)) {
    mergeOrDrop(target[leaf], value, leafDepth, budget, tally);
    return true;
  }
  if (budget.left <= 0) {
    tally.droppedFields++;
    return true;
  }
  budget.left--;
  target[leaf] = sanitiseValue(value, leafDepth, budget, tally);
  return true;
}

function sanitiseValue(value: unknown, depth: number, budget: Budget, tally: LimitTally): unknown {
  switch (typeof value) {
    case 'string':
      return truncateValue(budget.hooks ? budget.hooks.text(value) : value, tally);
    case 'number':
      if (!Number.isFinite(value)) return String(value);
      if (value === 0) return 0; // -0 does not survive JSON
      return budget.hooks ? budget.hooks.number(value) : value;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return null;
  }
  if (value === null) return null;
  if (depth >= LIMITS.maxDepth) {
    tally.stringifiedFields++;
    const json = safeStringify(value);
    return truncateValue(budget.hooks ? budget.hooks.text(json) : json, tally);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (budget.left <= 0 && item !== null && typeof item === 'object') {
        tally.droppedFields++;
        continue;
      }
      out.push(sanitiseValue(item, depth + 1, budget, tally));
    }
    return out;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  // anything else deeper than JSON can express (Map, class instances) is kept as its own keys
  return sanitiseObject(value as Record<string, unknown>, depth + 1, budget, tally);
}

function truncateValue(s: string, tally: LimitTally): string {
  if (s.length * 3 <= LIMITS.maxValueLength) return s;
  const t = truncateUtf8(s, LIMITS.maxValueLength);
  if (t.truncated) tally.truncatedFields++;
  return t.text;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
  } catch {
    return '[unserialisable]';
  }
}
