/**
 * Tenant parsing rules, compiled form. Storage and the API live elsewhere; the caller
 * pre-filters by query and may pass that filter as `matches`.
 *
 * A rule runs after automatic parsing, on the event's message (its first MAX_RULE_INPUT
 * characters). For each event the rules are tried in the given order; the first rule whose
 * app glob, predicate and pattern all match wins and the others are skipped. Its named groups
 * become fields (overriding automatically parsed ones); the groups `level`, `ts`/`timestamp`
 * and `message` set the event's level, time and message instead.
 *
 * Time bound: every rule's matching time is summed per batch; a rule that spends more than
 * its budget (default 50 ms per batch) is disabled - on the compiled rule, so later batches
 * skip it too until the caller recompiles it - and the batch stats report it with a reason.
 */
import { isIP } from 'node:net';
import type { LogEvent } from '@millrace/log-schema';
import { parseTimeValue } from '../time';
import type { FieldType } from '../types';
import { setOwn } from '../util';
import { compilePattern, PatternError, type EngineName, type SafeRegex } from './engine';
import { expandGrok, GrokError, type GrokCapture, type GrokType } from './grok';

export type { FieldType } from '../types';

export interface ParsingRule {
  id: string;
  name: string;
  /** Exact app name or a glob with `*` and `?` (`web-*`). Absent: every app. */
  app?: string;
  /** The tenant's query text; not evaluated here (see `matches`). */
  query?: string;
  /** The compiled query, when the caller has one. */
  matches?: (event: LogEvent) => boolean;
  pattern: { kind: 'regex'; source: string; ignoreCase?: boolean } | { kind: 'grok'; source: string; ignoreCase?: boolean };
  fieldTypes?: Record<string, FieldType>;
}

export class RuleCompileError extends Error {
  override readonly name = 'RuleCompileError';
  constructor(readonly ruleId: string, message: string) {
    super(`rule ${ruleId}: ${message}`);
  }
}

/** Rules see at most this many characters of the message (bounds polynomial patterns). */
export const MAX_RULE_INPUT = 4096;
export const DEFAULT_RULE_BUDGET_MS = 50;

const FIELD_TYPES = new Set<FieldType>(['number', 'boolean', 'ip', 'date', 'string']);

export interface CompiledRule {
  readonly id: string;
  readonly name: string;
  readonly engine: EngineName;
  /** Field names the pattern can produce. */
  readonly fields: string[];
  readonly matches?: (event: LogEvent) => boolean;
  /** Set when the rule exceeded its time budget; it is skipped from then on. */
  disabled?: { reason: string; at: number };
  /** Does the rule apply to this app? */
  appliesTo(app: string): boolean;
  /** Run the pattern; the typed fields, or undefined when it does not match. */
  extract(message: string, receivedAt: number, onTypeError: (field: string) => void): Record<string, unknown> | undefined;
}

export interface CompileRuleOptions {
  /** Force an engine (tests); default RE2 when available. */
  engine?: EngineName;
}

export function compileRule(rule: ParsingRule, options: CompileRuleOptions = {}): CompiledRule {
  const id = rule.id;
  if (!rule.pattern || typeof rule.pattern.source !== 'string') throw new RuleCompileError(id, 'pattern is missing');
  for (const [field, type] of Object.entries(rule.fieldTypes ?? {})) {
    if (!FIELD_TYPES.has(type)) throw new RuleCompileError(id, `field "${field}" has unknown type "${type}"`);
  }
  let re: SafeRegex;
  let captures: Array<{ group: string; field: string; type?: GrokType }>;
  try {
    if (rule.pattern.kind === 'grok') {
      const grok = expandGrok(rule.pattern.source);
      if (grok.captures.length === 0) throw new RuleCompileError(id, 'grok pattern has no named field: use %{NAME:field}');
      re = compilePattern(grok.source, { engine: options.engine, ignoreCase: rule.pattern.ignoreCase, trusted: grok.trusted });
      captures = grok.captures;
    } else if (rule.pattern.kind === 'regex') {
      re = compilePattern(rule.pattern.source, { engine: options.engine, ignoreCase: rule.pattern.ignoreCase, requireNamedGroup: true });
      captures = re.groupNames.map((name) => ({ group: name, field: name }));
    } else {
      throw new RuleCompileError(id, `unknown pattern kind "${(rule.pattern as { kind: string }).kind}"`);
    }
  } catch (err) {
    if (err instanceof RuleCompileError) throw err;
    if (err instanceof PatternError || err instanceof GrokError) throw new RuleCompileError(id, err.message);
    throw err;
  }
  const types = rule.fieldTypes ?? {};
  const appliesTo = appMatcher(rule.app);
  return {
    id,
    name: rule.name,
    engine: re.engine,
    fields: [...new Set(captures.map((c) => c.field))],
    matches: rule.matches,
    appliesTo,
    extract(message, receivedAt, onTypeError) {
      const input = message.length > MAX_RULE_INPUT ? message.slice(0, MAX_RULE_INPUT) : message;
      const groups = re.exec(input);
      if (!groups) return undefined;
      const out: Record<string, unknown> = {};
      for (const c of captures) {
        const raw = groups[c.group];
        if (raw === undefined || raw === '') continue;
        const value = convert(raw, c, types[c.field], receivedAt);
        if (value === undefined) onTypeError(c.field);
        else setOwn(out, c.field, value);
      }
      return out;
    },
  };
}

function convert(raw: string, capture: GrokCapture, type: FieldType | undefined, receivedAt: number): unknown {
  let value: unknown = raw;
  if (capture.type === 'int') value = Number.parseInt(raw, 10);
  else if (capture.type === 'float') value = Number.parseFloat(raw);
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  switch (type) {
    case undefined:
      return value;
    case 'string':
      return String(value);
    case 'number': {
      const n = typeof value === 'number' ? value : Number(raw.trim());
      return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      const word = raw.trim().toLowerCase();
      if (word === 'true' || word === 'yes' || word === 'on' || word === '1') return true;
      if (word === 'false' || word === 'no' || word === 'off' || word === '0') return false;
      return undefined;
    }
    case 'ip': {
      const ip = raw.trim();
      return isIP(ip) ? ip : undefined;
    }
    case 'date': {
      const ms = parseTimeValue(raw, receivedAt);
      return ms === undefined ? undefined : new Date(ms).toISOString();
    }
  }
}

/** Exact name, or a glob with * and ? matched iteratively (no regex, no exponential cases). */
export function appMatcher(glob: string | undefined): (app: string) => boolean {
  if (glob === undefined || glob === '' || glob === '*') return () => true;
  if (!glob.includes('*') && !glob.includes('?')) return (app) => app === glob;
  return (app) => globMatch(glob, app);
}

function globMatch(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
