import fc from 'fast-check';
import { OtlpTypes } from './otlp-proto';
import { countNestedField } from './protowire';

const T = OtlpTypes.ExportLogsServiceRequest;

describe('countNestedField', () => {
  it('counts log records as the decoder sees them (property)', () => {
    const record = fc.record({ severityText: fc.string({ maxLength: 5 }), timeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String), flags: fc.nat() }, { requiredKeys: [] });
    const scope = fc.record({ scope: fc.record({ name: fc.string({ maxLength: 5 }) }), logRecords: fc.array(record, { maxLength: 6 }), schemaUrl: fc.string({ maxLength: 3 }) }, { requiredKeys: ['logRecords'] });
    const resource = fc.record({ resource: fc.record({ attributes: fc.array(fc.record({ key: fc.string({ maxLength: 3 }), value: fc.record({ intValue: fc.integer() }) }), { maxLength: 2 }) }), scopeLogs: fc.array(scope, { maxLength: 4 }) }, { requiredKeys: ['scopeLogs'] });
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 4 }), (resourceLogs) => {
        const body = T.encode(T.fromObject({ resourceLogs })).finish();
        const expected = resourceLogs.reduce((n, r) => n + r.scopeLogs.reduce((m, s) => m + s.logRecords.length, 0), 0);
        expect(countNestedField(body, [1, 2, 2], 1e6)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('stops past max and never throws on garbage', () => {
    const many = T.encode(T.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: new Array(1000).fill({}) }] }] })).finish();
    expect(countNestedField(many, [1, 2, 2], 10)).toBe(11);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(countNestedField(bytes, [1, 2, 2], 1e6)).toBeGreaterThanOrEqual(0);
    }), { numRuns: 2000 });
  });
});
