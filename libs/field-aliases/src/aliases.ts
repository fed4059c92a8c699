import { LEVELS, LIMITS, normaliseLevel, parseTimestamp, syslogSeverityLevel } from '@millrace/log-schema';
import { CANONICAL_FIELDS, ROLE_NAMES, type LevelKind, type Role } from './table';

export type Fields = Record<string, unknown>;

/** A value found for a role, and where. */
export interface AliasHit<T = unknown> {
  /** The value: for app and host trimmed, for level the normalised level word. */
  value: T;
  /** The value as sent. */
  raw: unknown;
  /** The keys leading to it, e.g. `['log', 'level']` or `['log.level']`. */
  path: readonly string[];
  /**
   * The field stays among the event's fields after supplying its slot: app and host names
   * that are part of a dotted schema (`service.name`, `host.name`, `kubernetes.container_name`),
   * so `service.name:api` still finds what was sent. Message, time, level and flat names
   * (`app`, `hostname`, `HOST`, `PROGRAM`) are taken out.
   */
  keep: boolean;
}

/** Metadata found under a shipper's name that is stored under its canonical one. */
export interface CanonicalHit {
  /** The canonical path, e.g. `k8s.pod.name`. */
  to: string;
  map: boolean;
  path: readonly string[];
  value: unknown;
  /** A label given as `k8s.pod.labels.<name>`: its name. */
  label?: string;
}

export interface Aliases {
  message?: AliasHit<string>;
  timestamp?: AliasHit<string | number>;
  level?: AliasHit<string>;
  app?: AliasHit<string>;
  host?: AliasHit<string>;
  tags?: AliasHit<string[]>;
  /** Set only when something was found. */
  canonical?: CanonicalHit[];
}

export interface ResolveOptions {
  /** A flat label set (Loki streams): the `labelsOnly` names count too (`job`, `instance`, `pod`). */
  labels?: boolean;
  /** Roles to look for (default all). */
  roles?: readonly Role[];
  /** Look for canonical metadata (trace context, Kubernetes); default true. */
  canonical?: boolean;
  /** Whether a value is a usable time (default: log-schema's `parseTimestamp` reads it). */
  acceptTimestamp?: (value: string | number) => boolean;
  /** The level a `word` value names, or undefined (default: log-schema's `normaliseLevel`). */
  levelOf?: (value: string | number) => string | undefined;
}

interface RoleEntry {
  role: Role;
  rank: number;
  kind: LevelKind;
  labelsOnly: boolean;
  stripSlash: boolean;
  keep: boolean;
}

interface CanonicalEntry {
  to: string;
  map: boolean;
  labelsOnly: boolean;
}

interface Node {
  roles?: RoleEntry[];
  canonical?: CanonicalEntry;
  /** Next path segment, lower-case. */
  children?: Map<string, Node>;
}

const ROLES: readonly Role[] = ['message', 'timestamp', 'level', 'app', 'host', 'tags'];
const SYSLOG_NAMES = new Set(['emerg', 'panic', 'alert', 'crit', 'critical', 'err', 'error', 'warning', 'warn', 'notice', 'info', 'informational', 'debug']);
const DIGITS = /^\d{1,3}$/;
/** OpenTelemetry SDKs name a service they were not told about `unknown_service[:process]`. */
const UNKNOWN_SERVICE = 'unknown_service';
const hasOwn = Object.prototype.hasOwnProperty;

function insert(root: Node, path: string): Node {
  let node = root;
  for (const segment of path.toLowerCase().split('.')) {
    node.children ??= new Map();
    let child = node.children.get(segment);
    if (child === undefined) {
      child = {};
      node.children.set(segment, child);
    }
    node = child;
  }
  return node;
}

/** The lookup tree, built once at load: one Map lookup per key of a document. */
const ROOT: Node = (() => {
  const root: Node = {};
  for (const role of ROLES) {
    ROLE_NAMES[role].forEach((alias, rank) => {
      const a = typeof alias === 'string' ? { name: alias } : alias;
      const node = insert(root, a.name);
      (node.roles ??= []).push({
        role, rank, kind: a.kind ?? 'word', labelsOnly: a.labelsOnly ?? false, stripSlash: a.stripSlash ?? false,
        keep: (role === 'app' || role === 'host') && a.name.includes('.'),
      });
    });
  }
  for (const field of CANONICAL_FIELDS) {
    for (const from of field.from) {
      const f = typeof from === 'string' ? { name: from } : from;
      insert(root, f.name).canonical = { to: field.to, map: field.map ?? false, labelsOnly: f.labelsOnly ?? false };
    }
  }
  return root;
})();

function hasUpper(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

function childOf(node: Node, key: string): Node | undefined {
  const children = node.children;
  if (children === undefined) return undefined;
  const child = children.get(key);
  return child !== undefined || !hasUpper(key) ? child : children.get(key.toLowerCase());
}

/** Segment names of the table by length: most keys of a document are skipped by length alone. */
const MAX_NAME_LENGTH = (() => {
  let max = 0;
  const measure = (node: Node): void => {
    node.children?.forEach((child, name) => {
      max = Math.max(max, name.length);
      measure(child);
    });
  };
  measure(ROOT);
  return max;
})();

const defaultAcceptTimestamp = (value: string | number): boolean => parseTimestamp(value) !== undefined;

interface Walk {
  found: Aliases;
  ranks: Record<Role, number>;
  wanted: Readonly<Record<Role, boolean>>;
  labels: boolean;
  canonical: boolean;
  acceptTimestamp: (value: string | number) => boolean;
  levelOf: (value: string | number) => string | undefined;
}

/**
 * A lookup compiled once (at module load, for hot paths): `resolve(doc)` then allocates only
 * what it finds.
 */
export interface AliasQuery {
  resolve(doc: Fields): Aliases;
}

/** Compile the options of `resolveAliases` once. */
export function aliasQuery(options: ResolveOptions = {}): AliasQuery {
  const wanted = { message: false, timestamp: false, level: false, app: false, host: false, tags: false };
  for (const role of options.roles ?? ROLES) wanted[role] = true;
  const walk: Walk = {
    found: {},
    ranks: { message: 99, timestamp: 99, level: 99, app: 99, host: 99, tags: 99 },
    wanted,
    labels: options.labels ?? false,
    canonical: options.canonical ?? true,
    acceptTimestamp: options.acceptTimestamp ?? defaultAcceptTimestamp,
    levelOf: options.levelOf ?? normaliseLevel,
  };
  return {
    resolve(doc: Fields): Aliases {
      // Synchronous and not re-entrant (the callbacks never resolve), so one state serves every call.
      const found: Aliases = {};
      walk.found = found;
      const ranks = walk.ranks;
      ranks.message = ranks.timestamp = ranks.level = ranks.app = ranks.host = ranks.tags = 99;
      visit(doc, ROOT, undefined, walk, 0);
      return found;
    },
  };
}

/**
 * Find, in one pass over `doc`'s keys, the value of each role (message, timestamp, level, app,
 * host, tags) by the table, and the metadata to store under canonical names. Never changes
 * `doc`; nothing is allocated for keys the table does not know. On hot paths compile the
 * options once with `aliasQuery`.
 */
export function resolveAliases(doc: Fields, options: ResolveOptions = {}): Aliases {
  return aliasQuery(options).resolve(doc);
}

interface KeyMatch {
  node: Node;
  /** A label given as `k8s.pod.labels.<name>`: its name. */
  label?: string;
}

/**
 * What a key names below `node`: one Map lookup (case-insensitively, a literal dotted key by
 * its segments), or undefined.
 */
function matchKey(node: Node, key: string): KeyMatch | undefined {
  const child = key.length <= MAX_NAME_LENGTH ? childOf(node, key) : undefined;
  if (child !== undefined) return { node: child };
  if (key.indexOf('.') <= 0) return undefined;
  // A literal dotted key (`log.level`, `k8s.pod.labels.app`): walk its segments.
  const segments = key.split('.');
  let at: Node | undefined = node;
  for (let i = 0; i < segments.length && at !== undefined; i++) {
    const next: Node | undefined = childOf(at, segments[i]);
    if (next === undefined && at.canonical?.map && i > 0) return { node: at, label: segments.slice(i).join('.') };
    at = next;
  }
  return at === undefined || at === node ? undefined : { node: at };
}

/**
 * Top-level keys seen before and what they name (documents of one source repeat their keys),
 * so most keys cost one Map lookup. Bounded: once full, new keys are looked up without it.
 */
const TOP_LEVEL = new Map<string, KeyMatch | null>();
const MAX_REMEMBERED_KEYS = 4096;

function matchTopLevel(key: string): KeyMatch | undefined {
  const known = TOP_LEVEL.get(key);
  if (known !== undefined) return known ?? undefined;
  const match = matchKey(ROOT, key);
  if (TOP_LEVEL.size < MAX_REMEMBERED_KEYS) TOP_LEVEL.set(key, match ?? null);
  return match;
}

function visit(obj: Fields, node: Node, parent: readonly string[] | undefined, walk: Walk, depth: number): void {
  const keys = Object.keys(obj);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const match = node === ROOT ? matchTopLevel(key) : matchKey(node, key);
    if (match === undefined) continue;
    const child = match.node;
    const value = obj[key];
    if (match.label !== undefined) {
      if (walk.canonical && isScalar(value) && (walk.labels || !child.canonical!.labelsOnly)) {
        (walk.found.canonical ??= []).push({ to: child.canonical!.to, map: true, path: pathOf(parent, key), value, label: match.label });
      }
      continue;
    }
    if (child.roles !== undefined) {
      for (const entry of child.roles) {
        if (!walk.wanted[entry.role] || entry.rank >= walk.ranks[entry.role] || (entry.labelsOnly && !walk.labels)) continue;
        const hit = accept(entry, value, walk);
        if (hit === undefined) continue;
        walk.ranks[entry.role] = entry.rank;
        (walk.found as Record<Role, AliasHit>)[entry.role] = { value: hit, raw: value, path: pathOf(parent, key), keep: entry.keep };
      }
    }
    const canonical = child.canonical;
    if (canonical !== undefined && walk.canonical && (walk.labels || !canonical.labelsOnly) && (canonical.map ? isObject(value) : isScalar(value))) {
      (walk.found.canonical ??= []).push({ to: canonical.to, map: canonical.map, path: pathOf(parent, key), value });
    }
    if (child.children !== undefined && depth < 6 && isObject(value) && !canonical?.map) visit(value, child, pathOf(parent, key), walk, depth + 1);
  }
}

function pathOf(parent: readonly string[] | undefined, key: string): readonly string[] {
  return parent === undefined ? [key] : [...parent, key];
}

function accept(entry: RoleEntry, value: unknown, walk: Walk): unknown {
  switch (entry.role) {
    case 'message':
      return typeof value === 'string' && value !== '' ? value : undefined;
    case 'timestamp':
      if (typeof value === 'number') return Number.isFinite(value) && walk.acceptTimestamp(value) ? value : undefined;
      return typeof value === 'string' && value !== '' && value.length <= 64 && walk.acceptTimestamp(value) ? value : undefined;
    case 'level':
      return levelValue(entry.kind, value, walk);
    case 'app':
    case 'host': {
      if (typeof value !== 'string') return undefined;
      let name = value.length > LIMITS.maxNameLength * 2 ? value.slice(0, LIMITS.maxNameLength * 2).trim() : value.trim();
      if (entry.stripSlash && name.charCodeAt(0) === 47) name = name.slice(1);
      if (name === '' || name.length > LIMITS.maxNameLength) return undefined;
      if (entry.role === 'app' && name.startsWith(UNKNOWN_SERVICE)) return undefined;
      return name;
    }
    case 'tags':
      return Array.isArray(value) && value.length > 0 && value.every((t) => typeof t === 'string') ? value : undefined;
  }
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && DIGITS.test(value.trim())) return Number(value.trim());
  return undefined;
}

function levelValue(kind: LevelKind, value: unknown, walk: Walk): string | undefined {
  switch (kind) {
    case 'word':
      if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && value.length <= 64)) return walk.levelOf(value);
      return undefined;
    case 'syslog': {
      const n = integer(value);
      if (n !== undefined) return n >= 0 && n <= 7 ? syslogSeverityLevel(n) : undefined;
      return typeof value === 'string' && SYSLOG_NAMES.has(value.trim().toLowerCase()) ? normaliseLevel(value) : undefined;
    }
    case 'otel': {
      const n = integer(value);
      return n !== undefined && n >= 1 && n <= 24 ? LEVELS[Math.floor((n - 1) / 4)] : undefined;
    }
    case 'pri': {
      const n = integer(value);
      return n !== undefined && n >= 0 && n <= 191 ? syslogSeverityLevel(n % 8) : undefined;
    }
  }
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}

// ---------------------------------------------------------------------------------------
// Editing a document (copy-on-write: the input is never changed)
// ---------------------------------------------------------------------------------------

/** Own-property assignment that cannot reach the prototype (`__proto__` keys from the wire). */
function put(obj: Fields, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function copyOf(obj: Fields): Fields {
  const out: Fields = {};
  for (const key in obj) if (hasOwn.call(obj, key)) put(out, key, obj[key]);
  return out;
}

/** `obj` without the value at `path[i..]`; objects left empty are dropped too. */
function without(obj: Fields, path: readonly string[], i: number): Fields {
  const key = path[i];
  if (!hasOwn.call(obj, key)) return obj;
  if (i === path.length - 1) {
    const out = copyOf(obj);
    delete out[key];
    return out;
  }
  const child = obj[key];
  if (!isObject(child)) return obj;
  const next = without(child, path, i + 1);
  if (next === child) return obj;
  const out = copyOf(obj);
  let empty = true;
  for (const _ in next) {
    empty = false;
    break;
  }
  if (empty) delete out[key];
  else put(out, key, next);
  return out;
}

/** `doc` without the fields of these hits (those not marked `keep`). */
export function withoutHits(doc: Fields, hits: readonly (AliasHit | undefined)[]): Fields {
  let out = doc;
  for (const hit of hits) if (hit !== undefined && !hit.keep) out = without(out, hit.path, 0);
  return out;
}

/** `doc` without the values at these paths (keys from the top). */
export function withoutPaths(doc: Fields, paths: readonly (readonly string[])[]): Fields {
  let out = doc;
  for (const path of paths) out = without(out, path, 0);
  return out;
}

/** A label or annotation name as a key: dots would make it a path. */
function mapKey(name: string): string {
  return name.indexOf('.') < 0 ? name : name.split('.').join('_');
}

function mapValue(value: Fields): Fields {
  let changed = false;
  for (const key in value) if (hasOwn.call(value, key) && key.indexOf('.') >= 0) changed = true;
  if (!changed) return value;
  const out: Fields = {};
  for (const key in value) if (hasOwn.call(value, key)) put(out, mapKey(key), value[key]);
  return out;
}

/**
 * The canonical fields of `hits` as dotted keys: `{'k8s.pod.name': 'api-1', 'k8s.pod.labels': {...}}`
 * (label names with `_` for dots). For protocols that keep the originals too (OTLP resources).
 */
export function canonicalFields(hits: readonly CanonicalHit[] | undefined): Fields | undefined {
  if (hits === undefined) return undefined;
  const out: Fields = {};
  for (const hit of hits) addCanonical(out, hit);
  return out;
}

function addCanonical(out: Fields, hit: CanonicalHit): void {
  if (!hit.map) {
    if (!hasOwn.call(out, hit.to)) put(out, hit.to, hit.value);
    return;
  }
  let map = out[hit.to];
  if (!isObject(map)) {
    map = {};
    put(out, hit.to, map);
  }
  if (hit.label !== undefined) {
    const key = mapKey(hit.label);
    if (!hasOwn.call(map, key)) put(map as Fields, key, hit.value);
    return;
  }
  const value = mapValue(hit.value as Fields);
  for (const key in value) if (hasOwn.call(value, key) && !hasOwn.call(map, key)) put(map as Fields, key, value[key]);
}

/**
 * `doc` with its canonical metadata moved to the canonical names (`kubernetes.pod_name` →
 * `k8s.pod.name`, `trace.id` → `trace_id`), as dotted keys the parser stores as paths. Fields
 * already under their canonical name stay where they are.
 */
export function withCanonicalFields(doc: Fields, hits: readonly CanonicalHit[] | undefined): Fields {
  if (hits === undefined) return doc;
  let out = doc;
  const moved: CanonicalHit[] = [];
  for (const hit of hits) {
    const identity = hit.label === undefined && hit.path.join('.') === hit.to
      && (!hit.map || mapValue(hit.value as Fields) === hit.value);
    if (identity) continue;
    out = without(out, hit.path, 0);
    moved.push(hit);
  }
  if (moved.length === 0) return doc;
  if (out === doc) out = copyOf(doc);
  const added: Fields = {};
  for (const hit of moved) addCanonical(added, hit);
  for (const key in added) {
    if (!hasOwn.call(out, key)) put(out, key, added[key]);
    else if (isObject(out[key]) && isObject(added[key])) put(out, key, { ...(added[key] as Fields), ...(out[key] as Fields) });
  }
  return out;
}

/** Both edits: the fields an event keeps from `doc` once every role found in it is used. */
export function aliasedFields(doc: Fields, aliases: Aliases): Fields {
  const { message, timestamp, level, app, host, tags } = aliases;
  return withCanonicalFields(withoutHits(doc, [message, timestamp, level, app, host, tags]), aliases.canonical);
}
