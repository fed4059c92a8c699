import { DEFAULT_APP, DEFAULT_HOST, normaliseLevel, parseTimestamp, type RawBatch, type RawLine } from '@millrace/log-schema';
import { compileMatcher, parseQuery, type EventMatcher, type MatchableEvent, type QueryNode } from '@millrace/query-language';

/**
 * A routing rule as the query-api hands it out on the `routing-rules` configuration feed
 * (only enabled rules are handed out).
 */
export interface RoutingRuleItem {
  id: string;
  tenant: string;
  name: string;
  /** `exclude`: lines matching `query` are dropped (`action: drop`) or kept out of the index (`action: noIndex`). `sample`: one in `rate` matching lines is kept. */
  kind: 'exclude' | 'sample';
  query: string;
  action?: 'drop' | 'noIndex';
  rate?: number;
}

export interface CompiledRule {
  id: string;
  name: string;
  matches: EventMatcher;
}
export interface CompiledSampleRule extends CompiledRule {
  rate: number;
}

/** One tenant's rules, compiled once per change. */
export interface CompiledRules {
  drop: CompiledRule[];
  noIndex: CompiledRule[];
  sample: CompiledSampleRule[];
  /** Some rule reads parsed fields or the level: JSON lines are looked into (see provisionalEvent). */
  needsContent: boolean;
  /** Rules whose query no longer parses are skipped, not fatal. */
  skipped: Array<{ id: string; reason: string }>;
}

/** Compile a tenant's rule items; a rule that fails to compile is skipped and reported. */
export function compileRules(items: RoutingRuleItem[]): CompiledRules {
  const out: CompiledRules = { drop: [], noIndex: [], sample: [], needsContent: false, skipped: [] };
  for (const item of items) {
    let node: QueryNode;
    try {
      node = parseQuery(item.query ?? '');
    } catch (error) {
      out.skipped.push({ id: item.id, reason: (error as Error).message });
      continue;
    }
    const rule = { id: item.id, name: item.name, matches: compileMatcher(node) };
    if (readsContent(node)) out.needsContent = true;
    if (item.kind === 'exclude') (item.action === 'noIndex' ? out.noIndex : out.drop).push(rule);
    else if (item.kind === 'sample' && Number.isInteger(item.rate) && (item.rate as number) >= 1) out.sample.push({ ...rule, rate: item.rate as number });
    else out.skipped.push({ id: item.id, reason: `unknown rule kind ${item.kind}` });
  }
  return out;
}

/** Whether a query looks at parsed fields or the level (which a JSON line may carry inside). */
export function readsContent(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and': case 'or': return node.children.some(readsContent);
    case 'not': return readsContent(node.child);
    case 'term': case 'wildcard': case 'exists': case 'range':
      return node.field === 'level' || node.field.startsWith('fields.');
    default: return false;
  }
}

/**
 * The event a raw line will probably become, for matching before parsing. The broker-router
 * sees lines before the parser-worker does, so rules, drain filters and quotas match on:
 * - `app`, `host`, `tag`, `source`: as the shipper gave them (defaults `default` / `unknown`);
 * - `level`: the shipper's level, normalised; for a JSON line without one, its `level`,
 *   `severity` or `lvl` key;
 * - `message`: the whole line text (for JSON lines the JSON text, so free text matches any value);
 * - parsed fields: the line's `meta`, and for a line that is a JSON object its top-level keys
 *   (looked into only when some rule of the tenant reads fields or the level);
 * - `ts`: the shipper's timestamp, else the arrival time.
 * What the parser alone derives (logfmt, nginx and custom-rule fields, levels in plain text) is
 * not visible to routing rules.
 */
export function provisionalEvent(line: RawLine, batch: RawBatch, lookInside: boolean): MatchableEvent {
  let fields: Record<string, unknown> = line.meta ?? {};
  let level = normaliseLevel(line.level);
  if (lookInside && line.line.charCodeAt(0) === 0x7b /* { */) {
    const parsed = tryJsonObject(line.line);
    if (parsed) {
      fields = line.meta ? { ...parsed, ...line.meta } : parsed;
      level ??= normaliseLevel(parsed.level ?? parsed.severity ?? parsed.lvl);
    }
  }
  return {
    app: line.app || DEFAULT_APP,
    host: line.host || DEFAULT_HOST,
    level,
    message: line.line,
    tags: line.tags ?? [],
    fields,
    source: batch.source.protocol,
    ts: parseTimestamp(line.ts) ?? batch.receivedAt,
  };
}

function tryJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** 32-bit FNV-1a: a stable spread of batch ids for the sampling offset. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
