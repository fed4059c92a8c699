import { fieldValue, groupKey } from './fields';
import { breaches, missingValue, readMeasurements, thresholdAggregations, type ThresholdRule } from './threshold';

const p95ByApp: ThresholdRule = { aggregation: 'p95', field: 'latency_ms', comparator: '>', value: 500, groupBy: 'app', maxGroups: 10 };

describe('threshold rules', () => {
  it('builds a terms aggregation with the measure per group', () => {
    expect(thresholdAggregations(p95ByApp)).toEqual({
      groups: { terms: { field: 'app', size: 10 }, aggs: { value: { percentiles: { field: 'fields.latency_ms', percents: [95] } } } },
    });
    expect(thresholdAggregations({ aggregation: 'count', comparator: '>', value: 5, maxGroups: 5, groupBy: 'http.status' })).toEqual({
      groups: { terms: { field: 'fields.http.status', size: 5 } },
    });
    expect(thresholdAggregations({ aggregation: 'avg', field: 'fields.ms', comparator: '>', value: 5, maxGroups: 5 })).toEqual({ value: { avg: { field: 'fields.ms' } } });
    expect(thresholdAggregations({ aggregation: 'count', comparator: '>', value: 5, maxGroups: 5 })).toEqual({});
  });

  it('reads percentiles, plain metrics and counts from the answer', () => {
    const aggs = { groups: { buckets: [
      { key: 'api', doc_count: 20, value: { values: { '95.0': 912.5 } } },
      { key: 'web', doc_count: 3, value: { values: { '95.0': null } } },
      { key: 404, doc_count: 1, value: { values: { '95.0': 7 } } },
    ] } };
    expect([...readMeasurements(p95ByApp, aggs, 24)]).toEqual([['api', 912.5], ['web', null], ['404', 7]]);
    const avg: ThresholdRule = { aggregation: 'avg', field: 'ms', comparator: '>', value: 1, maxGroups: 1 };
    expect([...readMeasurements(avg, { value: { value: 3.5 } }, 4)]).toEqual([['', 3.5]]);
    expect([...readMeasurements({ ...avg, aggregation: 'count' }, {}, 4)]).toEqual([['', 4]]);
  });

  it('compares with each comparator; no data never breaches; a missing group counts 0', () => {
    expect(breaches({ comparator: '>', value: 500 }, 501)).toBe(true);
    expect(breaches({ comparator: '>', value: 500 }, 500)).toBe(false);
    expect(breaches({ comparator: '>=', value: 500 }, 500)).toBe(true);
    expect(breaches({ comparator: '<', value: 5 }, 0)).toBe(true);
    expect(breaches({ comparator: '<=', value: 5 }, 6)).toBe(false);
    expect(breaches({ comparator: '<', value: 5 }, null)).toBe(false);
    expect(missingValue({ ...p95ByApp, aggregation: 'count' })).toBe(0);
    expect(missingValue(p95ByApp)).toBeNull();
  });
});

describe('group values', () => {
  const event = { app: 'api', host: 'h1', level: 'error', source: 'http-json' as const, tags: ['prod'], fields: { http: { status: 502 }, 'user.id': 'u1', big: 'x'.repeat(300) } };
  it('reads reserved fields, nested and dotted paths', () => {
    expect(fieldValue(event, 'app')).toBe('api');
    expect(fieldValue(event, 'tag')).toBe('prod');
    expect(fieldValue(event, 'http.status')).toBe(502);
    expect(fieldValue(event, 'fields.http.status')).toBe(502);
    expect(fieldValue(event, 'user.id')).toBe('u1');
    expect(fieldValue(event, 'missing')).toBeUndefined();
  });
  it('turns values into bounded group keys', () => {
    expect(groupKey(502)).toBe('502');
    expect(groupKey(undefined)).toBe('(none)');
    expect(groupKey(fieldValue(event, 'big'))).toHaveLength(256);
  });
});
