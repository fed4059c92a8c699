import { hourPath, hourPrefix, hoursInRange, hourStart, joinKey, newPartId, parsePartKey, partKeys, HOUR_MS } from './layout';

describe('archive layout', () => {
  const ts = Date.UTC(2026, 0, 5, 7, 59, 59, 999);

  it('puts an event in the UTC hour of its own time, Hive-style', () => {
    expect(hourStart(ts)).toBe(Date.UTC(2026, 0, 5, 7));
    expect(hourPath('acme', ts)).toBe('tenant=acme/year=2026/month=01/day=05/hour=07');
    expect(hourPath('acme', ts + 1)).toBe('tenant=acme/year=2026/month=01/day=05/hour=08');
    expect(hourPath('acme', Date.UTC(2025, 11, 31, 23, 30))).toBe('tenant=acme/year=2025/month=12/day=31/hour=23');
  });

  it('names a part and its manifest under the destination prefix, with single slashes', () => {
    expect(partKeys('logs/prod/', 'acme', ts, '01JD0000000000000000000000')).toEqual({
      data: 'logs/prod/tenant=acme/year=2026/month=01/day=05/hour=07/01JD0000000000000000000000.ndjson.gz',
      manifest: 'logs/prod/tenant=acme/year=2026/month=01/day=05/hour=07/01JD0000000000000000000000.manifest.json',
    });
    expect(hourPrefix('', 'acme', ts)).toBe('tenant=acme/year=2026/month=01/day=05/hour=07/');
    expect(joinKey('/a//b/', '', 'c/')).toBe('a/b/c');
  });

  it('reads its keys back and refuses others', () => {
    const { data, manifest } = partKeys('x', 'acme-2', ts, 'P1');
    expect(parsePartKey(data)).toEqual({ tenant: 'acme-2', hour: hourStart(ts), partId: 'P1', kind: 'data' });
    expect(parsePartKey(manifest)).toMatchObject({ kind: 'manifest', partId: 'P1' });
    expect(parsePartKey('x/tenant=acme/year=2026/month=13/day=05/hour=07/P1.ndjson.gz')).toBeUndefined();
    expect(parsePartKey('x/tenant=acme/year=2026/month=01/day=05/hour=07/P1.json')).toBeUndefined();
    expect(parsePartKey('x/tenant=ACME/year=2026/month=01/day=05/hour=07/P1.ndjson.gz')).toBeUndefined();
  });

  it('lists the hours of a range, both ends included, and bounds it', () => {
    const from = Date.UTC(2026, 0, 5, 22, 10);
    expect(hoursInRange(from, from + 3 * HOUR_MS)).toEqual([0, 1, 2, 3].map((i) => Date.UTC(2026, 0, 5, 22) + i * HOUR_MS));
    expect(hoursInRange(from, from)).toEqual([Date.UTC(2026, 0, 5, 22)]);
    expect(hoursInRange(from, from - 1)).toEqual([]);
    expect(() => hoursInRange(0, 100 * HOUR_MS, 24)).toThrow(/101 hours/);
  });

  it('makes part ids that sort by creation and never repeat', () => {
    const ids = Array.from({ length: 50 }, () => newPartId(ts));
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });
});
