import { Injectable } from '@nestjs/common';
import { TenantScope, type ScopedQuery } from '../search/scope';

export interface FieldSummary {
  name: string;
  types: string[];
  /** Sampled events that have the field. */
  count: number;
  examples: unknown[];
}

const MAX_EXAMPLES = 5;
const MAX_FIELDS = 500;

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/**
 * Which fields exist in a range, with their types and example values. Learned from a sample of
 * the tenant's own recent events, never from the index mapping: indices are shared, and a
 * mapping would show other tenants' field names.
 */
@Injectable()
export class FieldsService {
  constructor(private readonly scope: TenantScope) {}

  async discover(q: ScopedQuery, sampleSize: number): Promise<{ sampled: number; fields: FieldSummary[] }> {
    const { body } = await this.scope.client.search({
      ...this.scope.searchParams(q),
      body: {
        query: this.scope.query(q),
        size: sampleSize,
        sort: [{ '@timestamp': 'desc' }],
        _source: ['fields', 'unindexed_fields'],
        track_total_hits: false,
      } as never,
    });
    const hits = (body as unknown as { hits: { hits: Array<{ _source: { fields?: Record<string, unknown>; unindexed_fields?: string } }> } }).hits.hits;
    const summary = new Map<string, { types: Set<string>; count: number; examples: unknown[] }>();
    const visit = (value: unknown, path: string) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, child] of Object.entries(value)) visit(child, path ? `${path}.${key}` : key);
        return;
      }
      let entry = summary.get(path);
      if (!entry) {
        if (summary.size >= MAX_FIELDS) return;
        entry = { types: new Set(), count: 0, examples: [] };
        summary.set(path, entry);
      }
      entry.count++;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        entry.types.add(typeOf(v));
        if (entry.examples.length < MAX_EXAMPLES && !entry.examples.some((e) => e === v)) {
          entry.examples.push(typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v);
        }
      }
    };
    for (const hit of hits) {
      visit(hit._source.fields ?? {}, '');
      if (hit._source.unindexed_fields) visit(JSON.parse(hit._source.unindexed_fields), '');
    }
    const fields = [...summary].map(([name, e]) => ({ name, types: [...e.types].sort(), count: e.count, examples: e.examples }));
    fields.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    return { sampled: hits.length, fields };
  }
}
