import { buildManifest, checkAgainstManifest, encodeManifest, ManifestError, parseManifest, PartStats, sha256Hex } from './manifest';

describe('part manifest', () => {
  const stats = new PartStats();
  stats.add({ id: 'B-0002', ts: 3000 }, 10);
  stats.add({ id: 'A-0001', ts: 1000 }, 20);
  stats.add({ id: 'C-0000', ts: 2000 }, 30);
  const body = Buffer.from('compressed bytes');

  it('records line count, time and id range, size and SHA-256', () => {
    const manifest = buildManifest({ tenant: 'acme', hour: Date.UTC(2026, 0, 1, 5), object: 'P.ndjson.gz', stats, body, now: 0 });
    expect(manifest).toMatchObject({
      tenant: 'acme', hour: '2026-01-01T05:00:00.000Z', object: 'P.ndjson.gz', lines: 3, firstTs: 1000, lastTs: 3000,
      firstEventId: 'A-0001', lastEventId: 'C-0000', bytes: body.length, uncompressedBytes: 60, sha256: sha256Hex(body),
    });
    expect(parseManifest(encodeManifest(manifest))).toEqual(manifest);
  });

  it('finds a part that does not match its manifest', () => {
    const manifest = buildManifest({ tenant: 'acme', hour: 0, object: 'P', stats, body });
    expect(checkAgainstManifest(body, manifest)).toBeUndefined();
    expect(checkAgainstManifest(Buffer.from('compressed bytez'), manifest)).toMatch(/SHA-256/);
    expect(checkAgainstManifest(Buffer.from('short'), manifest)).toMatch(/size/);
  });

  it('refuses malformed manifests and empty parts', () => {
    expect(() => parseManifest('{')).toThrow(ManifestError);
    expect(() => parseManifest(JSON.stringify({ format: 'millrace-archive-part/1', lines: 'x' }))).toThrow(/malformed/);
    expect(() => buildManifest({ tenant: 'a', hour: 0, object: 'P', stats: new PartStats(), body })).toThrow(ManifestError);
  });
});
