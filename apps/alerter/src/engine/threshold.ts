import type { Aggregation, Comparator } from '../definitions/alert-definition';
import { documentField, groupKey, NO_GROUP } from './fields';

/** What a scheduled threshold alert measures. */
export interface ThresholdRule {
  aggregation: Aggregation;
  field?: string;
  comparator: Comparator;
  value: number;
  groupBy?: string;
  maxGroups: number;
}

const PERCENTILES: Partial<Record<Aggregation, number>> = { p50: 50, p90: 90, p95: 95, p99: 99 };

function metric(rule: ThresholdRule): object | undefined {
  if (rule.aggregation === 'count') return undefined;
  const field = documentField(rule.field ?? '');
  const percent = PERCENTILES[rule.aggregation];
  if (percent !== undefined) return { percentiles: { field, percents: [percent] } };
  return { [rule.aggregation]: { field } };
}

/** The aggregations of a search body (size 0) measuring the rule, per group when it groups. */
export function thresholdAggregations(rule: ThresholdRule): Record<string, unknown> {
  const m = metric(rule);
  const inner = m ? { value: m } : undefined;
  if (rule.groupBy) {
    return { groups: { terms: { field: documentField(rule.groupBy), size: rule.maxGroups }, ...(inner ? { aggs: inner } : {}) } };
  }
  return inner ?? {};
}

interface Bucket {
  key?: unknown;
  key_as_string?: string;
  doc_count: number;
  value?: { value?: number | null; values?: Record<string, number | null> };
}

function bucketValue(rule: ThresholdRule, bucket: Bucket): number | null {
  if (rule.aggregation === 'count') return bucket.doc_count;
  const v = bucket.value;
  if (!v) return null;
  if (v.values) {
    const first = Object.values(v.values)[0];
    return typeof first === 'number' && Number.isFinite(first) ? first : null;
  }
  return typeof v.value === 'number' && Number.isFinite(v.value) ? v.value : null;
}

/** The measured value of each group (the one group '' when the rule does not group). null: no data. */
export function readMeasurements(rule: ThresholdRule, aggregations: Record<string, unknown> | undefined, totalHits: number): Map<string, number | null> {
  const result = new Map<string, number | null>();
  if (rule.groupBy) {
    const buckets = ((aggregations?.groups as { buckets?: Bucket[] })?.buckets ?? []);
    for (const b of buckets) result.set(groupKey(b.key_as_string ?? b.key), bucketValue(rule, b));
  } else {
    result.set(NO_GROUP, bucketValue(rule, { doc_count: totalHits, value: aggregations?.value as Bucket['value'] }));
  }
  return result;
}

export function breaches(rule: Pick<ThresholdRule, 'comparator' | 'value'>, measured: number | null): boolean {
  if (measured === null) return false;
  switch (rule.comparator) {
    case '>': return measured > rule.value;
    case '>=': return measured >= rule.value;
    case '<': return measured < rule.value;
    case '<=': return measured <= rule.value;
  }
}

/**
 * The value of a group the search did not return: a count is 0 (so `count < 5` fires for a
 * group that went silent), any other measure has no data (never breaches).
 */
export function missingValue(rule: ThresholdRule): number | null {
  return rule.aggregation === 'count' ? 0 : null;
}
