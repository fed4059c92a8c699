import type { Client } from '@opensearch-project/opensearch';
import { parseQuery, toOpenSearch } from '@millrace/query-language';
import { indicesForRange } from '@millrace/search-index';
import type { AlertDefinition } from '../definitions/alert-definition';
import type { CompiledAlert } from '../definitions/compile';
import { documentField, fieldValue, groupKey, NO_GROUP } from '../engine/fields';
import { breaches, readMeasurements, thresholdAggregations } from '../engine/threshold';
import { MAX_SAMPLES, openedState, simulate, type Sample, type Transition } from '../engine/windows';

const DAY = 86_400_000;

/** Always the tenant's own documents, routed to its shard, whatever the alert's query says. */
export function scopedQuery(tenant: string, query: string, timeField: '@timestamp' | 'received_at', from: number, to: number): object {
  return {
    bool: {
      filter: [
        { term: { tenant } },
        { range: { [timeField]: { gte: from, lt: to, format: 'epoch_millis' } } },
        toOpenSearch(parseQuery(query)),
      ],
    },
  };
}

function searchParams(tenant: string, from: number, to: number, body: object) {
  // Receive time and event time differ a little: look a day either side for the indices.
  return {
    index: indicesForRange(from - DAY, to + DAY).join(','),
    routing: tenant,
    ignore_unavailable: true,
    allow_no_indices: true,
    body: body as never,
  };
}

/** Measure a threshold alert over [from, to) against OpenSearch, per group. */
export async function measureThreshold(client: Client, alert: CompiledAlert, from: number, to: number): Promise<Map<string, number | null>> {
  const def = alert.def;
  const { body } = await client.search(searchParams(def.tenant, from, to, {
    size: 0,
    track_total_hits: true,
    query: scopedQuery(def.tenant, def.query, '@timestamp', from, to),
    aggs: thresholdAggregations(alert.threshold!),
  }));
  const result = body as unknown as { hits: { total: { value: number } | number }; aggregations?: Record<string, unknown> };
  const total = typeof result.hits.total === 'number' ? result.hits.total : result.hits.total.value;
  return readMeasurements(alert.threshold!, result.aggregations, total);
}

export interface DryRunTransition {
  event: 'firing' | 'resolved';
  group: string;
  at: number;
  count?: number;
  value?: number | null;
  windowStart: number;
  windowEnd: number;
  samples?: Sample[];
}

export interface DryRunResult {
  wouldFire: boolean;
  from: number;
  to: number;
  /** How the past was replayed. */
  method: string;
  transitions: DryRunTransition[];
  /** The most a group counted (presence/absence) or measured (threshold) in any window. */
  peak: number | null;
  groups: number;
  /** More matching lines than the replay reads: only the first ones were replayed. */
  truncated: boolean;
}

export const DRY_RUN_MAX_LINES = 10_000;
export const DRY_RUN_MAX_WINDOWS = 500;

/**
 * Replay the recent past through the alert: presence and absence run the same window state
 * machine as the stream over the matching lines' receive times; threshold alerts are measured
 * in consecutive windows of their length. Notifications, throttling and schedules are not
 * applied: this says when the condition was met.
 */
export async function dryRun(client: Client, alert: CompiledAlert, from: number, to: number): Promise<DryRunResult> {
  const def = alert.def;
  if (alert.threshold) return dryRunThreshold(client, alert, from, to);
  const source = ['@timestamp', 'received_at', 'app', 'host', 'level', 'message', ...(def.groupBy && !['app', 'host', 'level', 'source'].includes(def.groupBy) ? [documentField(def.groupBy)] : [])];
  const { body } = await client.search(searchParams(def.tenant, from, to, {
    size: DRY_RUN_MAX_LINES,
    track_total_hits: DRY_RUN_MAX_LINES + 1,
    _source: source,
    sort: [{ received_at: { order: 'asc' } }],
    query: scopedQuery(def.tenant, def.query, 'received_at', from, to),
  }));
  const result = body as unknown as { hits: { total: { value: number }; hits: Array<{ _source: Record<string, unknown> }> } };
  const byGroup = new Map<string, Array<{ t: number; lines: number; samples: Sample[] }>>();
  for (const hit of result.hits.hits) {
    const doc = hit._source;
    const group = def.groupBy ? groupKey(fieldValue({ app: doc.app, host: doc.host, level: doc.level, source: doc.source, tags: [], fields: (doc.fields ?? {}) } as never, def.groupBy)) : NO_GROUP;
    const list = byGroup.get(group) ?? [];
    const sample: Sample = { ts: Number(doc['@timestamp']), app: String(doc.app), host: String(doc.host), level: doc.level as string | undefined, message: String(doc.message ?? '') };
    list.push({ t: Number(doc.received_at), lines: 1, samples: [sample] });
    byGroup.set(group, list);
  }
  if (def.kind === 'absence' && !def.groupBy && !byGroup.has(NO_GROUP)) byGroup.set(NO_GROUP, []);
  const transitions: DryRunTransition[] = [];
  let peak = 0;
  for (const [group, arrivals] of byGroup) {
    const initial = def.kind === 'absence' ? openedState(from, alert.window!) : undefined;
    const found: Transition[] = simulate(alert.window!, arrivals, to, initial);
    for (const t of found) {
      transitions.push({ event: t.event, group, at: t.at, count: t.count, windowStart: t.windowStart, windowEnd: t.windowEnd, samples: t.samples.slice(0, MAX_SAMPLES) });
    }
    peak = Math.max(peak, maxInWindow(arrivals.map((a) => a.t), alert.window!.windowMs));
  }
  transitions.sort((a, b) => a.at - b.at);
  return {
    wouldFire: transitions.some((t) => t.event === 'firing'),
    from, to,
    method: `replayed ${result.hits.hits.length} matching line(s) by receive time through ${def.windowSeconds}s windows`,
    transitions, peak, groups: byGroup.size,
    truncated: result.hits.total.value > DRY_RUN_MAX_LINES,
  };
}

/** The most lines inside any window of `windowMs` (two pointers over sorted times). */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function dryRunThreshold(client: Client, alert: CompiledAlert, from: number, to: number): Promise<DryRunResult> {
  const def: AlertDefinition = alert.def;
  const windowMs = def.windowSeconds * 1000;
  const windows = Math.ceil((to - from) / windowMs);
  if (windows > DRY_RUN_MAX_WINDOWS) {
    throw Object.assign(new Error(`the range holds ${windows} windows of ${def.windowSeconds}s; at most ${DRY_RUN_MAX_WINDOWS}: shorten the range`), { status: 400 });
  }
  const { body } = await client.search(searchParams(def.tenant, from, to, {
    size: 0,
    query: scopedQuery(def.tenant, def.query, '@timestamp', from, to),
    aggs: {
      windows: {
        date_histogram: { field: '@timestamp', fixed_interval: `${windowMs}ms`, offset: `${from % windowMs}ms`, min_doc_count: 0, extended_bounds: { min: from, max: to - 1 } },
        aggs: thresholdAggregations(alert.threshold!),
      },
    },
  }));
  const buckets = ((body as unknown as { aggregations?: { windows?: { buckets?: Array<Record<string, unknown> & { key: number; doc_count: number }> } } }).aggregations?.windows?.buckets ?? []);
  const firing = new Set<string>();
  const seen = new Set<string>();
  const transitions: DryRunTransition[] = [];
  let peak: number | null = null;
  for (const bucket of buckets) {
    const start = Number(bucket.key);
    const end = start + windowMs;
    const measured = readMeasurements(alert.threshold!, bucket as never, bucket.doc_count);
    for (const group of new Set([...measured.keys(), ...firing])) {
      seen.add(group);
      const value = measured.has(group) ? measured.get(group)! : def.aggregation === 'count' ? 0 : null;
      if (value !== null) peak = peak === null ? value : Math.max(peak, value);
      const breach = breaches(def, value);
      if (breach && !firing.has(group)) {
        firing.add(group);
        transitions.push({ event: 'firing', group, at: end, value, windowStart: start, windowEnd: end });
      } else if (!breach && firing.has(group)) {
        firing.delete(group);
        transitions.push({ event: 'resolved', group, at: end, value, windowStart: start, windowEnd: end });
      }
    }
  }
  return {
    wouldFire: transitions.some((t) => t.event === 'firing'),
    from, to,
    method: `measured ${buckets.length} consecutive ${def.windowSeconds}s window(s) by event time`,
    transitions, peak, groups: seen.size, truncated: false,
  };
}
