import type { z } from 'zod';
import type { histogramSchema, numericStatsSchema, topValuesSchema } from './graphs.schemas';
import { Injectable } from '@nestjs/common';
import { TenantScope, type ScopedQuery } from '../search/scope';

export type Histogram = z.infer<typeof histogramSchema>;
export type TopValues = z.infer<typeof topValuesSchema>;
export type NumericStats = z.infer<typeof numericStatsSchema>;
export type StatsRow = NumericStats['overall'];

export const OTHER = '__other__';

type Agg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Counts over time, top values and numeric statistics: OpenSearch aggregations, tenant-scoped. */
@Injectable()
export class GraphsService {
  constructor(private readonly scope: TenantScope) {}

  private async aggregate(q: ScopedQuery, aggs: object): Promise<Agg> {
    const { body } = await this.scope.client.search({
      ...this.scope.searchParams(q),
      body: { query: this.scope.query(q), size: 0, track_total_hits: true, aggs } as never,
    });
    return body as unknown as Agg;
  }

  private histogramAgg(q: ScopedQuery, intervalMs: number, sub?: object) {
    return {
      date_histogram: {
        field: '@timestamp',
        fixed_interval: `${intervalMs}ms`,
        min_doc_count: 0,
        extended_bounds: { min: q.from, max: q.to },
      },
      ...(sub ? { aggs: sub } : {}),
    };
  }

  async histogram(q: ScopedQuery, interval: { name: string; ms: number }, split?: { path: string; top: number }): Promise<Histogram> {
    const aggs: Record<string, object> = { over_time: this.histogramAgg(q, interval.ms) };
    if (split) aggs.split = { terms: { field: split.path, size: split.top }, aggs: { over_time: this.histogramAgg(q, interval.ms) } };
    const body = await this.aggregate(q, aggs);
    const totalBuckets = body.aggregations.over_time.buckets as Array<{ key: number; doc_count: number }>;
    const buckets = totalBuckets.map((b) => b.key);
    const total = totalBuckets.map((b) => b.doc_count);
    const result: Histogram = { interval: interval.name, buckets, total };
    if (split) {
      const index = new Map(buckets.map((ts, i) => [ts, i]));
      const other = [...total];
      result.series = (body.aggregations.split.buckets as Array<{ key: string | number; key_as_string?: string; over_time: { buckets: Array<{ key: number; doc_count: number }> } }>).map((term) => {
        const counts = new Array<number>(buckets.length).fill(0);
        for (const b of term.over_time.buckets) {
          const i = index.get(b.key);
          if (i !== undefined) {
            counts[i] = b.doc_count;
            other[i] -= b.doc_count;
          }
        }
        return { key: String(term.key_as_string ?? term.key), counts };
      });
      if (other.some((c) => c > 0)) result.series.push({ key: OTHER, counts: other });
    }
    return result;
  }

  async top(q: ScopedQuery, field: { path: string }, size: number, fieldName: string): Promise<TopValues> {
    const body = await this.aggregate(q, { top: { terms: { field: field.path, size, shard_size: Math.max(size * 5, 50) } } });
    const agg = body.aggregations.top as { buckets: Array<{ key: string | number; key_as_string?: string; doc_count: number }>; sum_other_doc_count: number };
    return {
      field: fieldName,
      values: agg.buckets.map((b) => ({ value: b.key_as_string ?? b.key, count: b.doc_count })),
      other: agg.sum_other_doc_count,
    };
  }

  async stats(q: ScopedQuery, field: { path: string }, interval: { name: string; ms: number }, percents: number[]): Promise<NumericStats> {
    const metrics = {
      stats: { stats: { field: field.path } },
      pct: { percentiles: { field: field.path, percents } },
    };
    const body = await this.aggregate(q, { ...metrics, over_time: this.histogramAgg(q, interval.ms, metrics) });
    const row = (b: Agg): StatsRow => ({
      count: b.stats.count,
      min: b.stats.min,
      max: b.stats.max,
      avg: b.stats.avg,
      percentiles: Object.fromEntries(percents.map((p) => [String(p), b.pct.values[String(p)] ?? b.pct.values[p.toFixed(1)] ?? null])),
    });
    return {
      interval: interval.name,
      overall: row(body.aggregations),
      buckets: (body.aggregations.over_time.buckets as Agg[]).map((b) => ({ ts: b.key as number, ...row(b) })),
    };
  }
}
