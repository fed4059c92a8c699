/** The corpus: every format family, one line in, the expected event out. */
import { logEventSchema, type RawBatch } from '@millrace/log-schema';
import { CORPUS, RECEIVED_AT, type CorpusCase } from './corpus';
import { FORMATS, parseBatch } from './index';

function batchOf(c: CorpusCase): RawBatch {
  return {
    v: 1, tenant: 'acme', batchId: '01HRZ8X7Q6V3M2K1J0H9G8F7E6', receivedAt: RECEIVED_AT,
    source: { protocol: 'http-text' },
    lines: [typeof c.line === 'string' ? { line: c.line } : c.line],
  };
}

describe('corpus', () => {
  it.each(CORPUS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { events, stats } = parseBatch(batchOf(c));
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(logEventSchema.safeParse(e).success).toBe(true);
    expect(stats.formats).toEqual({ [c.format]: 1 });
    expect(e.message).toBe(c.expect.message);
    expect(e.level).toBe(c.expect.level ?? undefined);
    expect(new Date(e.ts).toISOString()).toBe(c.expect.ts ?? new Date(RECEIVED_AT).toISOString());
    expect(e.app).toBe(c.expect.app ?? 'default');
    expect(e.host).toBe(c.expect.host ?? 'unknown');
    expect(e.tags).toEqual(c.expect.tags ?? []);
    expect(e.fields).toEqual(c.expect.fields);
    expect(e.id).toBe('01HRZ8X7Q6V3M2K1J0H9G8F7E6-0000');
    expect(e.tenant).toBe('acme');
    expect(e.receivedAt).toBe(RECEIVED_AT);
    expect(e.source).toBe('http-text');
  });

  it('covers every format the registry can report', () => {
    const covered = new Set(CORPUS.map((c) => c.format));
    expect(FORMATS.filter((f) => !covered.has(f))).toEqual([]);
  });
});
