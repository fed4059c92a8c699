import { LIMITS, truncateUtf8 } from '@millrace/log-schema';
import { REQUEST_LIMITS } from './limits';

/** Counters the bounding functions add to; the ResultBuilder is one. */
export interface BoundStats {
  fieldsDropped: number;
  valuesCut: number;
}

export type Fields = Record<string, unknown>;

interface Budget {
  fields: number;
  bytes: number;
}

const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * Bound a line's meta: at most `maxFields` keys (counted at every depth), `maxDepth` levels
 * (deeper objects become their JSON text, cut), strings of `maxValueLength` bytes, keys of
 * `maxKeyLength`, and an estimated `maxMetaBytes` in all. Returns a fresh object (never the
 * input) and its estimated size; `undefined` when nothing is left.
 */
export function boundMeta(
  src: Fields | undefined,
  stats: BoundStats,
  /** A top-level key of `src` to leave out (e.g. the field already used as the line). */
  omit?: string,
  /** Fields added after `src`'s, within the same bounds. */
  extra?: Fields,
): { meta: Fields | undefined; bytes: number } {
  if (src === undefined && extra === undefined) return { meta: undefined, bytes: 0 };
  const budget: Budget = { fields: REQUEST_LIMITS.maxFields, bytes: REQUEST_LIMITS.maxMetaBytes };
  const meta: Fields = {};
  if (src !== undefined) boundInto(meta, src, 1, budget, stats, omit);
  if (extra !== undefined) boundInto(meta, extra, 1, budget, stats);
  for (const _ in meta) return { meta, bytes: REQUEST_LIMITS.maxMetaBytes - budget.bytes };
  return { meta: undefined, bytes: 0 };
}

function boundInto(out: Fields, src: Fields, depth: number, budget: Budget, stats: BoundStats, omit?: string): Fields {
  const keys = Object.keys(src);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = src[key];
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || key === omit) continue;
    if (budget.fields <= 0 || budget.bytes <= 0) {
      stats.fieldsDropped += keys.length - i;
      break;
    }
    // Assigning `__proto__` would replace the object's prototype instead of adding a field.
    if (key === '__proto__') {
      stats.fieldsDropped++;
      continue;
    }
    let name = key;
    if (name.length > LIMITS.maxKeyLength) {
      name = cutChars(name, LIMITS.maxKeyLength);
      stats.valuesCut++;
    }
    budget.fields--;
    budget.bytes -= name.length + 4;
    out[name] = boundValue(value, depth + 1, budget, stats);
  }
  return out;
}

function boundValue(value: unknown, depth: number, budget: Budget, stats: BoundStats): unknown {
  switch (typeof value) {
    case 'string':
      return boundString(value, budget, stats);
    case 'number':
      budget.bytes -= 8;
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      budget.bytes -= 5;
      return value;
    case 'bigint':
      return boundString(value.toString(), budget, stats);
    case 'object':
      break;
    default:
      budget.bytes -= 4;
      return null;
  }
  if (value === null) {
    budget.bytes -= 4;
    return null;
  }
  if (ArrayBuffer.isView(value)) return boundString(bytesToBase64(value), budget, stats);
  if (value instanceof Date) return boundString(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString(), budget, stats);
  if (depth > REQUEST_LIMITS.maxDepth) {
    stats.valuesCut++;
    return boundString(stringifyBounded(value, LIMITS.maxValueLength), budget, stats);
  }
  if (Array.isArray(value)) {
    const n = Math.min(value.length, REQUEST_LIMITS.maxFields);
    const out: unknown[] = [];
    budget.bytes -= 2;
    for (let i = 0; i < n; i++) {
      if (budget.bytes <= 0) break;
      const item = value[i];
      out.push(item === undefined ? null : boundValue(item, depth + 1, budget, stats));
    }
    stats.fieldsDropped += value.length - out.length;
    return out;
  }
  budget.bytes -= 2;
  return boundInto({}, value as Fields, depth, budget, stats);
}

function boundString(value: string, budget: Budget, stats: BoundStats): string {
  const cut = truncateUtf8(value, LIMITS.maxValueLength);
  if (cut.truncated) stats.valuesCut++;
  budget.bytes -= cut.text.length + 2;
  return cut.text;
}

function bytesToBase64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}

/**
 * JSON text of a value, stopping once `maxChars` are written: the cost is bounded by the
 * output, not by the size or depth of the value (a deep subtree may be shared by many lines).
 */
export function stringifyBounded(value: unknown, maxChars: number): string {
  const parts: string[] = [];
  let length = 0;
  const push = (s: string): void => {
    parts.push(s);
    length += s.length;
  };
  const walk = (v: unknown, depth: number): void => {
    if (length > maxChars) return;
    switch (typeof v) {
      case 'string':
        push(JSON.stringify(v.length > maxChars - length ? v.slice(0, Math.max(0, maxChars - length)) : v));
        return;
      case 'number':
        push(Number.isFinite(v) ? String(v) : 'null');
        return;
      case 'boolean':
        push(v ? 'true' : 'false');
        return;
      case 'bigint':
        push(`"${v}"`);
        return;
      case 'object':
        break;
      default:
        push('null');
        return;
    }
    if (v === null) return push('null');
    if (ArrayBuffer.isView(v)) return walk(bytesToBase64(v), depth);
    if (v instanceof Date) return walk(Number.isNaN(v.getTime()) ? null : v.toISOString(), depth);
    if (depth >= 64) return push('"…"');
    if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length && length <= maxChars; i++) {
        if (i > 0) push(',');
        walk(v[i], depth + 1);
      }
      push(']');
      return;
    }
    push('{');
    let firstKey = true;
    for (const key in v) {
      if (length > maxChars) break;
      if (!hasOwn(v, key)) continue;
      const item = (v as Fields)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!firstKey) push(',');
      firstKey = false;
      push(JSON.stringify(key.length > maxChars ? key.slice(0, maxChars) : key));
      push(':');
      walk(item, depth + 1);
    }
    push('}');
  };
  walk(value, 0);
  const text = parts.join('');
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}

/**
 * JSON text of a decoded value used as a line: bounded (the line is cut to maxLineBytes
 * anyway) and safe on nesting deep enough to overflow JSON.stringify's stack.
 */
export function jsonLineText(value: unknown): string {
  return stringifyBounded(value, REQUEST_LIMITS.maxLineBytes + 1);
}

/** Cut to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

/** An app or host name: a non-empty trimmed string of at most `maxNameLength`. */
export function boundName(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return undefined;
  // Cut before trimming so an enormous value costs no more than a short one.
  if (text.length > LIMITS.maxNameLength * 2) text = text.slice(0, LIMITS.maxNameLength * 2);
  text = cutChars(text.trim(), LIMITS.maxNameLength);
  return text === '' ? undefined : text;
}

/** Tags: trimmed, non-empty, unique, at most `maxTags` of `maxTagLength` each. */
export function boundTags(values: Iterable<unknown>): string[] | undefined {
  const out: string[] = [];
  for (const value of values) {
    if (out.length >= LIMITS.maxTags) break;
    if (typeof value !== 'string') continue;
    const tag = cutChars((value.length > LIMITS.maxTagLength * 2 ? value.slice(0, LIMITS.maxTagLength * 2) : value).trim(), LIMITS.maxTagLength);
    if (tag !== '' && !out.includes(tag)) out.push(tag);
  }
  return out.length > 0 ? out : undefined;
}

/** A dotted field path split once, at module load, so lookups allocate nothing. */
export interface FieldPath {
  readonly key: string;
  readonly head?: string;
  readonly tail?: FieldPath;
}

export function fieldPath(path: string): FieldPath {
  const dot = path.indexOf('.');
  return dot < 0 ? { key: path } : { key: path, head: path.slice(0, dot), tail: fieldPath(path.slice(dot + 1)) };
}

export function fieldPaths(...paths: string[]): readonly FieldPath[] {
  return paths.map(fieldPath);
}

/**
 * A field by dotted path: the literal key first (`{"host.name": ...}`, as flattening
 * shippers send it), then the nested path (`{"host": {"name": ...}}`).
 */
export function pick(obj: Fields, path: FieldPath | string): unknown {
  const p = typeof path === 'string' ? fieldPath(path) : path;
  if (hasOwn(obj, p.key)) return obj[p.key];
  if (p.head === undefined || !hasOwn(obj, p.head)) return undefined;
  const head = obj[p.head];
  return isObject(head) ? pick(head, p.tail!) : undefined;
}

/** The first of several paths that holds a non-empty string (or a number, as text). */
export function pickString(obj: Fields, paths: readonly FieldPath[]): { key: string; value: string } | undefined {
  for (const path of paths) {
    const value = pick(obj, path);
    if (typeof value === 'string' && value !== '') return { key: path.key, value };
    if (typeof value === 'number' && Number.isFinite(value)) return { key: path.key, value: String(value) };
  }
  return undefined;
}

/** `obj[key] = value` for keys from the wire: `__proto__` would replace the prototype, so it is skipped. */
export function setField(obj: Fields, key: string, value: unknown): void {
  if (key !== '__proto__') obj[key] = value;
}

/** Own-property read: decoded protobuf messages carry defaults on their prototype. */
export function own(obj: object, key: string): unknown {
  return hasOwn(obj, key) ? (obj as Fields)[key] : undefined;
}
