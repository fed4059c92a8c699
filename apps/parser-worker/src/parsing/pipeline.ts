/**
 * parseBatch: raw batch in, events out. Pure and synchronous; never throws on content.
 *
 * Per batch: (1) every line is parsed on its own (registry.ts); (2) continuation lines are
 * joined into the latest event of their source (multiline.ts); (3) each event gets its time,
 * level, app/host and fields resolved, tenant rules applied, fields sanitised and redacted.
 */
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_APP, DEFAULT_HOST, LIMITS, eventId, normaliseTimestamp, parseTimestamp, truncateUtf8,
  type LogEvent, type RawBatch, type RawLine,
} from '@millrace/log-schema';
import { withoutPaths } from '@millrace/field-aliases';
import { levelIsSeverity } from '@millrace/syslog';
import { trimNewlines } from './formats/reserved';
import { syslogHeader } from './formats/syslog';
import { detectLevelWord, levelFromValue } from './levels';
import { newLimitTally, sanitiseFields, type LeafHooks, type LimitTally } from './limits';
import { CONTINUABLE, MAX_JOIN_BYTES, MAX_JOIN_LINES, continues, startMode, type Mode } from './multiline';
import { compileRedaction, redactNumber, redactText, type CompiledRedaction, type RedactionConfig } from './redaction';
import { parseLine } from './registry';
import { DEFAULT_RULE_BUDGET_MS, type CompiledRule } from './rules/rules';
import { parseTimeValue } from './time';
import type { FormatName, KeyRef, Parsed } from './types';
import { setOwn } from './util';

export interface ParseOptions {
  /** Compiled tenant rules, in priority order (first match wins). */
  rules?: CompiledRule[];
  /** Redaction settings; absent = no redaction. Compile once with compileRedaction and reuse. */
  redaction?: RedactionConfig | CompiledRedaction;
  /** Matching time a rule may spend per batch before it is disabled (default 50 ms). */
  ruleBudgetMs?: number;
}

export interface ParseStats {
  lines: number;
  events: number;
  /** Events per detected format (of the event's first line). */
  formats: Partial<Record<FormatName, number>>;
  /** Lines joined into a previous event (stack traces). */
  multilineJoins: number;
  /** Times a joined event hit its line/byte bound and a new event was started. */
  multilineCapped: number;
  /** Lines longer than LIMITS.maxLineBytes, truncated. */
  truncatedLines: number;
  /** Field values truncated to LIMITS.maxValueLength. */
  truncatedFields: number;
  truncatedKeys: number;
  /** Fields dropped: over LIMITS.maxFields, or a name collision after sanitising. */
  droppedFields: number;
  /** Objects deeper than LIMITS.maxDepth stored as JSON text. */
  stringifiedFields: number;
  /** Field names changed by sanitising. */
  renamedFields: number;
  /** Events whose timestamp was unusable or absurd (arrival time used, original kept). */
  absurdTimestamps: number;
  /** Matches replaced, per detector. */
  redactions: Record<string, number>;
  /** Events a rule matched, per rule id. */
  ruleMatches: Record<string, number>;
  /** Rule captures dropped because they did not convert to their field type. */
  ruleTypeErrors: number;
  /** Budget overruns per rule id. */
  ruleTimeouts: Record<string, number>;
  /** Rules disabled during this batch, with the reason. */
  rulesDisabled: Array<{ ruleId: string; reason: string }>;
}

export interface ParseResult {
  events: LogEvent[];
  stats: ParseStats;
}

interface Pending {
  index: number;
  raw: RawLine;
  parsed: Parsed;
  /** The format counted in the stats: the syslog header's when MSG was parsed on its own. */
  format: FormatName;
  app: string;
  host: string;
  appFromContent: boolean;
  hostFromContent: boolean;
  level: string | undefined;
  levelFromContent: boolean;
  mode: Mode;
  extra: string[] | undefined;
  lines: number;
  bytes: number;
}

function newStats(lines: number): ParseStats {
  return {
    lines, events: 0, formats: {}, multilineJoins: 0, multilineCapped: 0, truncatedLines: 0,
    truncatedFields: 0, truncatedKeys: 0, droppedFields: 0, stringifiedFields: 0, renamedFields: 0,
    absurdTimestamps: 0, redactions: {}, ruleMatches: {}, ruleTypeErrors: 0, ruleTimeouts: {}, rulesDisabled: [],
  };
}

const compiledConfigs = new WeakMap<RedactionConfig, CompiledRedaction>();

function resolveRedaction(r: RedactionConfig | CompiledRedaction | undefined): CompiledRedaction | undefined {
  if (!r) return undefined;
  if ('detectors' in r) return r;
  let compiled = compiledConfigs.get(r);
  if (!compiled) {
    compiled = compileRedaction(r);
    compiledConfigs.set(r, compiled);
  }
  return compiled;
}

/** Protocols whose lines are already a syslog message's MSG, its header taken off by the gateway. */
const SYSLOG_TRANSPORTS = new Set(['syslog', 'logplex']);

export function parseBatch(batch: RawBatch, options: ParseOptions = {}): ParseResult {
  const receivedAt = batch.receivedAt;
  const ctx = { receivedAt };
  const lines = batch.lines;
  const n = lines.length;
  const stats = newStats(n);
  const redaction = resolveRedaction(options.redaction);
  const viaSyslog = SYSLOG_TRANSPORTS.has(batch.source.protocol);

  // (1) parse every line; a syslog line from another transport first becomes what the gateway
  // makes of one over TCP (header values as the line's own, MSG as the line)
  const raws: RawLine[] = viaSyslog ? lines : new Array(n);
  const formats: Array<FormatName | undefined> = new Array(n);
  const parsed: Parsed[] = new Array(n);
  const keys: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let raw = lines[i];
    let text = typeof raw.line === 'string' ? raw.line : String(raw.line ?? '');
    if (text.length * 3 > LIMITS.maxLineBytes) {
      const t = truncateUtf8(text, LIMITS.maxLineBytes);
      if (t.truncated) {
        stats.truncatedLines++;
        text = t.text;
      }
    }
    text = trimNewlines(text);
    if (viaSyslog) {
      formats[i] = syslogFormatOf(raw);
    } else {
      const header = syslogHeader(trimBlanks(text), raw, receivedAt);
      if (header !== undefined) {
        raw = header.raw;
        text = raw.line;
        formats[i] = header.format;
      }
      raws[i] = raw;
    }
    const p = parseLine(text, ctx);
    // names from content (syslog headers etc.) obey the same bound as the line's own
    if (p.app !== undefined && p.app.length > LIMITS.maxNameLength) p.app = undefined;
    if (p.host !== undefined && p.host.length > LIMITS.maxNameLength) p.host = undefined;
    parsed[i] = p;
    keys[i] = `${raw.app || p.app || DEFAULT_APP}\n${raw.host || p.host || DEFAULT_HOST}`;
  }

  // (2) join continuation lines
  const pending: Pending[] = [];
  const latest = new Map<string, Pending>();
  for (let i = 0; i < n; i++) {
    const p = parsed[i];
    const key = keys[i];
    const ev = latest.get(key);
    let inheritedMode: Mode | undefined;
    if (ev && CONTINUABLE.has(p.format)) {
      const next = i + 1 < n && keys[i + 1] === key && CONTINUABLE.has(parsed[i + 1].format) ? parsed[i + 1].message : undefined;
      const mode = continues(p.message, { mode: ev.mode, format: ev.format, level: ev.level, joined: ev.lines - 1 }, next);
      if (mode !== undefined) {
        if (ev.lines === 1) ev.bytes = Buffer.byteLength(ev.parsed.message, 'utf8');
        const size = Buffer.byteLength(p.message, 'utf8') + 1;
        if (ev.lines < MAX_JOIN_LINES && ev.bytes + size <= MAX_JOIN_BYTES) {
          (ev.extra ??= []).push(p.message);
          ev.lines++;
          ev.bytes += size;
          ev.mode = mode;
          stats.multilineJoins++;
          continue;
        }
        stats.multilineCapped++;
        inheritedMode = mode;
      }
    }
    const created = createPending(i, raws[i], p, formats[i]);
    if (inheritedMode !== undefined) created.mode = inheritedMode;
    pending.push(created);
    latest.set(key, created);
  }

  // (3) finish events
  const tally = newLimitTally();
  const hooksState = redaction ? { hit: new Set<string>(), tally: { counts: stats.redactions } } : undefined;
  const hooks: LeafHooks | undefined = redaction && hooksState
    ? {
        text: (s) => redactText(s, redaction, hooksState.hit, hooksState.tally),
        number: (v) => redactNumber(v, redaction, hooksState.hit, hooksState.tally),
      }
    : undefined;
  const budgetMs = options.ruleBudgetMs ?? DEFAULT_RULE_BUDGET_MS;
  const ruleTime = new Map<string, number>();
  const events: LogEvent[] = new Array(pending.length);
  const predicates = options.rules?.some((r) => r.matches !== undefined) ?? false;
  for (let k = 0; k < pending.length; k++) {
    const ev = pending[k];
    const { event, parts } = finishEvent(ev, batch, stats);
    let ruleFields: Record<string, unknown> | undefined;
    if (options.rules && options.rules.length > 0) {
      // predicates see the fields as parsed (before name sanitising and redaction)
      if (predicates) event.fields = { ...parts.meta, ...withoutKeys(parts.fields, parts.skip), ...parts.extra };
      ruleFields = applyRules(event, options.rules, receivedAt, stats, ruleTime, budgetMs);
    }
    if (hooksState) hooksState.hit.clear();
    // precedence on a name clash: our own keys, then rule captures, then parsed, then line meta
    event.fields = sanitiseFields(
      [{ fields: parts.extra }, { fields: ruleFields }, { fields: parts.fields, skip: parts.skip }, { fields: parts.meta }],
      tally, hooks, redaction ? LIMITS.maxFields - 1 : LIMITS.maxFields,
    );
    if (redaction && hooksState) {
      event.message = redactText(event.message, redaction, hooksState.hit, hooksState.tally);
      if (hooksState.hit.size > 0) event.fields.redacted = [...hooksState.hit].sort();
    }
    stats.formats[ev.format] = (stats.formats[ev.format] ?? 0) + 1;
    events[k] = event;
  }
  stats.events = events.length;
  addTally(stats, tally);
  return { events, stats };
}

function addTally(stats: ParseStats, t: LimitTally): void {
  stats.truncatedFields += t.truncatedFields;
  stats.truncatedKeys += t.truncatedKeys;
  stats.droppedFields += t.droppedFields;
  stats.stringifiedFields += t.stringifiedFields;
  stats.renamedFields += t.renamedFields;
}

/**
 * The format of a line the gateway took a syslog header off (its `meta.syslog`): RFC 3164 when
 * its time came as epoch ms (a year-less header time), else RFC 5424. For the stats and for
 * joining a stack trace to the record before it, as for a syslog line read here.
 */
function syslogFormatOf(raw: RawLine): FormatName | undefined {
  const syslog = raw.meta?.syslog;
  if (typeof syslog !== 'object' || syslog === null) return undefined;
  return typeof raw.ts === 'number' ? 'syslog3164' : 'syslog5424';
}

/** Leading spaces, tabs and byte-order marks, as parseLine skips them. */
function trimBlanks(text: string): string {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xfeff) break;
    i++;
  }
  return i === 0 ? text : text.slice(i);
}

function createPending(index: number, raw: RawLine, p: Parsed, format: FormatName | undefined): Pending {
  // Level order: the line's own, a parsed one, the syslog severity, a level word in the text.
  // A line's level that is only its syslog severity ranks as the severity.
  const severity = levelIsSeverity(raw);
  let level = raw.level && !severity ? levelFromValue(raw.level) : undefined;
  let levelFromContent = false;
  if (level === undefined && p.level !== undefined) {
    level = levelFromValue(p.level);
    levelFromContent = level !== undefined;
  }
  if (level === undefined && severity) level = levelFromValue(raw.level);
  level ??= detectLevelWord(p.message);
  const appFromContent = !raw.app && !!p.app;
  const hostFromContent = !raw.host && !!p.host;
  return {
    index, raw, parsed: p, format: format ?? p.format,
    app: raw.app || p.app || DEFAULT_APP,
    host: raw.host || p.host || DEFAULT_HOST,
    appFromContent, hostFromContent, level, levelFromContent,
    mode: startMode(p.message),
    extra: undefined, lines: 1, bytes: 0,
  };
}

/** The line's own ts, accepting what log-schema accepts plus the log-file formats. */
function lineTime(value: string | number, receivedAt: number): number | undefined {
  return parseTimeValue(value, receivedAt) ?? (typeof value === 'string' ? parseTimestamp(value) : undefined);
}

interface FieldParts {
  fields: Record<string, unknown>;
  /** Keys of `fields` that were consumed (message, tags, and the used ts/level/app/host). */
  skip: Array<string | undefined>;
  meta: Record<string, unknown> | undefined;
  /** Fields we add ourselves (original_timestamp). */
  extra: Record<string, unknown> | undefined;
}

function withoutKeys(fields: Record<string, unknown>, skip: Array<string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) if (!skip.includes(key)) setOwn(out, key, fields[key]);
  return out;
}

function use(skip: Array<string | undefined>, nested: (readonly string[])[], ref: KeyRef | undefined): void {
  if (ref === undefined) return;
  if (typeof ref === 'string') skip.push(ref);
  else nested.push(ref);
}

function finishEvent(ev: Pending, batch: RawBatch, stats: ParseStats): { event: LogEvent; parts: FieldParts } {
  const { raw, parsed: p } = ev;
  const receivedAt = batch.receivedAt;
  const keys = p.keys;
  // Fields a slot used: top-level keys are skipped while sanitising, nested paths removed.
  const skip: Array<string | undefined> = [];
  const nested: (readonly string[])[] = [];
  if (keys) {
    use(skip, nested, keys.message);
    use(skip, nested, keys.tags);
  }

  // time: the line's ts, else the content's, else arrival; an unusable/absurd one is kept
  let ts: number | undefined;
  let original: unknown;
  if (raw.ts !== undefined && raw.ts !== '') {
    const ms = lineTime(raw.ts, receivedAt);
    const norm = normaliseTimestamp(ms ?? raw.ts, receivedAt);
    if (ms !== undefined && norm.original === undefined) ts = norm.ts;
    else original = raw.ts;
  }
  if (ts === undefined && p.tsMs !== undefined) {
    const norm = normaliseTimestamp(p.tsMs, receivedAt);
    if (norm.original === undefined) ts = norm.ts;
    else original ??= p.tsRaw ?? p.tsMs;
    use(skip, nested, keys?.ts);
  } else if (ts !== undefined && p.tsMs === ts) {
    use(skip, nested, keys?.ts); // the same time as the line's own (pino-loki sends both)
  }
  if (keys) {
    // A content field used for a slot, or one that only repeats the line's own value, is not kept twice.
    if (ev.levelFromContent || (ev.level !== undefined && p.level !== undefined && levelFromValue(p.level) === ev.level)) use(skip, nested, keys.level);
    if (ev.appFromContent || (p.app !== undefined && p.app === raw.app)) use(skip, nested, keys.app);
    if (ev.hostFromContent || (p.host !== undefined && p.host === raw.host)) use(skip, nested, keys.host);
  }
  let extra: Record<string, unknown> | undefined;
  if (original !== undefined) {
    stats.absurdTimestamps++;
    extra = { original_timestamp: original };
  }

  let message = p.message;
  if (ev.extra) message = (message + '\n' + ev.extra.join('\n')).trimEnd();
  let level = ev.level;
  if (level === undefined && ev.extra) level = 'error'; // a joined stack trace without a level

  const event: LogEvent = {
    id: eventId(batch.batchId, ev.index),
    tenant: batch.tenant,
    ts: ts ?? receivedAt,
    receivedAt,
    app: ev.app,
    host: ev.host,
    message,
    tags: mergeTags(raw.tags, p.tags),
    fields: {},
    source: batch.source.protocol,
  };
  if (level !== undefined) event.level = level;
  if (raw.noIndex !== undefined) event.noIndex = raw.noIndex;
  return { event, parts: { fields: nested.length > 0 ? withoutPaths(p.fields, nested) : p.fields, skip, meta: raw.meta, extra } };
}

function mergeTags(lineTags: string[] | undefined, contentTags: string[] | undefined): string[] {
  if (!contentTags) return lineTags ? lineTags.slice() : [];
  const out = new Set(lineTags ?? []);
  for (const t of contentTags) {
    if (out.size >= LIMITS.maxTags) break;
    if (t !== '' && t.length <= LIMITS.maxTagLength) out.add(t);
  }
  return [...out];
}

/** Apply the first matching rule: sets level/ts/message on the event, returns its fields. */
function applyRules(
  event: LogEvent, rules: CompiledRule[], receivedAt: number, stats: ParseStats, ruleTime: Map<string, number>, budgetMs: number,
): Record<string, unknown> | undefined {
  for (const rule of rules) {
    if (rule.disabled || !rule.appliesTo(event.app)) continue;
    if (rule.matches) {
      let ok = false;
      try {
        ok = rule.matches(event);
      } catch {
        ok = false; // a broken predicate must not fail the batch
      }
      if (!ok) continue;
    }
    const started = performance.now();
    const out = rule.extract(event.message, receivedAt, () => { stats.ruleTypeErrors++; });
    const spent = (ruleTime.get(rule.id) ?? 0) + (performance.now() - started);
    ruleTime.set(rule.id, spent);
    if (spent > budgetMs) {
      const reason = `matching took ${spent.toFixed(1)} ms in one batch (budget ${budgetMs} ms)`;
      rule.disabled = { reason, at: Date.now() };
      stats.ruleTimeouts[rule.id] = (stats.ruleTimeouts[rule.id] ?? 0) + 1;
      stats.rulesDisabled.push({ ruleId: rule.id, reason });
    }
    if (!out) continue;
    stats.ruleMatches[rule.id] = (stats.ruleMatches[rule.id] ?? 0) + 1;
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(out)) {
      const value = out[key];
      if (key === 'level') {
        const level = levelFromValue(value);
        if (level !== undefined) event.level = level;
      } else if (key === 'ts' || key === 'timestamp') {
        const ms = parseTimeValue(value, receivedAt);
        const norm = ms === undefined ? undefined : normaliseTimestamp(ms, receivedAt);
        if (norm && norm.original === undefined) event.ts = norm.ts;
        else setOwn(fields, key, value);
      } else if (key === 'message' && typeof value === 'string') {
        event.message = value;
      } else {
        setOwn(fields, key, value);
      }
    }
    return fields; // first matching rule wins
  }
  return undefined;
}
