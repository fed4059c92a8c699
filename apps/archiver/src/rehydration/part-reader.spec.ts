import { gzipSync } from 'node:zlib';
import { buildManifest, PartStats } from '../archive/manifest';
import { CorruptPartError, decodePart, readEvent } from './part-reader';

const ev = (i: number, tenant = 'acme') => ({ id: `B-${i}`, tenant, ts: 1000 + i, receivedAt: 1000, app: 'a', host: 'h', message: `m${i}`, tags: [], fields: { n: i }, source: 'http-json' });

describe('reading a part', () => {
  const text = [ev(1), ev(2), ev(3)].map((e) => JSON.stringify(e)).join('\n') + '\n';
  const body = gzipSync(text);
  const stats = new PartStats();
  [ev(1), ev(2), ev(3)].forEach((e) => stats.add(e, 10));
  const manifest = buildManifest({ tenant: 'acme', hour: 0, object: 'P', stats, body });

  it('returns the events of a sound part', async () => {
    const part = await decodePart(body, 'acme', manifest, 1e6);
    expect(part.events.map((e) => e.id)).toEqual(['B-1', 'B-2', 'B-3']);
    expect(part.badLines).toBe(0);
    expect(part.events[0]).toEqual(ev(1));
  });

  it('refuses a part whose checksum differs from its manifest', async () => {
    const other = gzipSync(text.replace('m1', 'm9'));
    await expect(decodePart(other, 'acme', manifest, 1e6)).rejects.toMatchObject({ reason: 'checksum' });
  });

  it('refuses a part that is not gzip, or decompresses beyond the bound', async () => {
    await expect(decodePart(Buffer.from('not gzip at all'), 'acme', undefined, 1e6)).rejects.toBeInstanceOf(CorruptPartError);
    await expect(decodePart(body.subarray(0, body.length - 6), 'acme', undefined, 1e6)).rejects.toMatchObject({ reason: 'gzip' });
    await expect(decodePart(gzipSync(Buffer.alloc(100_000)), 'acme', undefined, 1000)).rejects.toMatchObject({ reason: 'too_large' });
  });

  it('counts lines that are not this tenant’s events instead of indexing them', async () => {
    const mixed = gzipSync([JSON.stringify(ev(1)), '{broken', JSON.stringify(ev(2, 'other')), JSON.stringify({ id: 1 })].join('\n'));
    const part = await decodePart(mixed, 'acme', undefined, 1e6);
    expect(part.events.map((e) => e.id)).toEqual(['B-1']);
    expect(part.badLines).toBe(3);
    expect(readEvent('[]')).toBeUndefined();
  });
});
