import { newBatchId, type RawBatch, type RawLine } from '@millrace/log-schema';
import { routeBatch } from './route-batch';
import { compileRules, provisionalEvent, type RoutingRuleItem } from './rules';

const batchOf = (lines: RawLine[], batchId = newBatchId()): RawBatch => ({ v: 1, tenant: 'acme', batchId, receivedAt: 1_700_000_000_000, source: { protocol: 'http-json' }, lines });
const rule = (r: Partial<RoutingRuleItem>): RoutingRuleItem => ({ id: r.id ?? 'r1', tenant: 'acme', name: 'rule', kind: 'exclude', query: '', ...r });

describe('routeBatch', () => {
  const batch = batchOf([{ line: 'a' }, { line: 'b' }]);

  it('passes every line on to parsing, keeping the batch id for deduplication downstream', () => {
    const result = routeBatch(batch);
    expect(result.batch).toBe(batch);
    expect(result.keptBytes).toBe(2);
    expect(result.tally.get('default')).toMatchObject({ received: 2, kept: 2, keptBytes: 2, excluded: 0 });
  });

  it('drops lines an exclusion rule matches, counted per app', () => {
    const rules = compileRules([rule({ query: 'app:lb "GET /health"' })]);
    const result = routeBatch(batchOf([
      { line: 'GET /health 200', app: 'lb' },
      { line: 'GET /orders 200', app: 'lb' },
      { line: 'GET /health 200', app: 'web' },
    ]), { rules });
    expect(result.batch!.lines.map((l) => `${l.app} ${l.line}`)).toEqual(['lb GET /orders 200', 'web GET /health 200']);
    expect(result.tally.get('lb')).toMatchObject({ received: 2, kept: 1, excluded: 1 });
    expect(result.ruleHits.get('r1')).toBe(1);
  });

  it('returns no batch when every line is excluded', () => {
    const rules = compileRules([rule({ query: '*' })]);
    expect(routeBatch(batch, { rules }).batch).toBeNull();
  });

  it('keeps noIndex-excluded lines for tail and drains, marked noIndex and counted as kept', () => {
    const rules = compileRules([rule({ query: 'level:debug', action: 'noIndex' })]);
    const result = routeBatch(batchOf([{ line: 'x', level: 'DEBUG' }, { line: 'y', level: 'info' }]), { rules });
    expect(result.batch!.lines).toEqual([{ line: 'x', level: 'DEBUG', noIndex: true }, { line: 'y', level: 'info' }]);
    expect(result.tally.get('default')).toMatchObject({ kept: 2, noIndex: 1 });
  });

  it('matches levels and fields inside JSON lines when a rule reads them', () => {
    const rules = compileRules([rule({ query: 'level:debug OR status:>=500' })]);
    const result = routeBatch(batchOf([
      { line: '{"level":"debug","msg":"noise"}' },
      { line: '{"level":"info","status":503}' },
      { line: '{"level":"info","status":200}' },
      { line: 'plain text level:debug' },
    ]), { rules });
    expect(result.batch!.lines.map((l) => l.line)).toEqual(['{"level":"info","status":200}', 'plain text level:debug']);
  });

  it('a drop rule wins over sampling and noIndex; sampling runs before noIndex', () => {
    const rules = compileRules([
      rule({ id: 'keep-out', query: 'app:a', action: 'noIndex' }),
      rule({ id: 'drop', query: 'secret' }),
      rule({ id: 'sample', kind: 'sample', query: 'app:a', rate: 1 }),
    ]);
    const result = routeBatch(batchOf([{ line: 'a secret', app: 'a' }, { line: 'public', app: 'a' }]), { rules });
    expect(result.batch!.lines).toEqual([{ line: 'public', app: 'a', noIndex: true }]);
    expect(result.ruleHits).toEqual(new Map([['drop', 1], ['sample', 1], ['keep-out', 1]]));
  });

  it('skips a rule whose query does not parse instead of failing the batch', () => {
    const compiled = compileRules([rule({ id: 'bad', query: 'app:(' }), rule({ id: 'ok', query: 'x' })]);
    expect(compiled.skipped.map((s) => s.id)).toEqual(['bad']);
    expect(compiled.drop.map((r) => r.id)).toEqual(['ok']);
  });
});

describe('sampling', () => {
  const rules = compileRules([rule({ id: 's', kind: 'sample', query: 'app:chatty', rate: 10 })]);
  const lines = (n: number): RawLine[] => Array.from({ length: n }, (_, i) => ({ line: `l${i}`, app: i % 2 ? 'chatty' : 'quiet' }));

  it('keeps one in N of the matching lines of a batch, counting the rest; others untouched', () => {
    const result = routeBatch(batchOf(lines(2000)), { rules });
    const kept = result.batch!.lines;
    expect(kept.filter((l) => l.app === 'quiet')).toHaveLength(1000);
    expect(kept.filter((l) => l.app === 'chatty')).toHaveLength(100);
    expect(result.tally.get('chatty')).toMatchObject({ received: 1000, kept: 100, sampled: 900 });
    expect(result.ruleHits.get('s')).toBe(1000);
  });

  it('is deterministic for a batch (a redelivery keeps the same lines) and exact on average over batches', () => {
    const one = batchOf(lines(40));
    expect(routeBatch(one, { rules }).batch).toEqual(routeBatch(one, { rules }).batch);
    let kept = 0;
    for (let b = 0; b < 2000; b++) kept += routeBatch(batchOf([{ line: 'x', app: 'chatty' }]), { rules }).tally.get('chatty')!.kept;
    // Single-line batches are kept with probability 1/10: 200 expected, binomial sd ≈ 13.4.
    expect(kept).toBeGreaterThan(140);
    expect(kept).toBeLessThan(260);
  });

  it('keeps ⌊m/N⌋ or ⌈m/N⌉ of m matching lines in every batch', () => {
    for (let b = 0; b < 200; b++) {
      const kept = routeBatch(batchOf(lines(46)), { rules }).tally.get('chatty')!.kept; // 23 matching
      expect([2, 3]).toContain(kept);
    }
  });
});

describe('daily quota', () => {
  it('drops lines once the remaining bytes are used up, counting lines and bytes', () => {
    const result = routeBatch(batchOf([{ line: 'aaaa' }, { line: 'bbbb' }, { line: 'cccc' }]), { quotaRemaining: 5 });
    // The line that crosses the quota is still accepted; the ones after it are not.
    expect(result.batch!.lines.map((l) => l.line)).toEqual(['aaaa', 'bbbb']);
    expect(result.keptBytes).toBe(8);
    expect(result.tally.get('default')).toMatchObject({ received: 3, kept: 2, overQuota: 1, overQuotaBytes: 4 });
  });

  it('drops everything when the quota is already used up; excluded lines do not count against it', () => {
    expect(routeBatch(batchOf([{ line: 'x' }]), { quotaRemaining: 0 }).batch).toBeNull();
    const rules = compileRules([rule({ query: 'noise' })]);
    const result = routeBatch(batchOf([{ line: 'noise' }, { line: 'signal' }]), { rules, quotaRemaining: 3 });
    expect(result.batch!.lines.map((l) => l.line)).toEqual(['signal']);
    expect(result.tally.get('default')).toMatchObject({ excluded: 1, kept: 1, overQuota: 0 });
  });

  it('counts UTF-8 bytes of the line text', () => {
    expect(routeBatch(batchOf([{ line: 'héllo ✓' }])).keptBytes).toBe(Buffer.byteLength('héllo ✓'));
  });
});

describe('provisionalEvent', () => {
  it('builds what the matcher reads from the raw line, with defaults', () => {
    const b = batchOf([]);
    expect(provisionalEvent({ line: 'hi', level: 'WARNING', tags: ['t'], meta: { k: 1 } }, b, false)).toEqual({
      app: 'default', host: 'unknown', level: 'warn', message: 'hi', tags: ['t'], fields: { k: 1 }, source: 'http-json', ts: b.receivedAt,
    });
    expect(provisionalEvent({ line: '{"severity":"error","a":{"b":2}}', meta: { m: true } }, b, true)).toMatchObject({ level: 'error', fields: { a: { b: 2 }, severity: 'error', m: true } });
    expect(provisionalEvent({ line: '{"level":"error"}' }, b, false).level).toBeUndefined();
    expect(provisionalEvent({ line: 'x', ts: '2024-01-01T00:00:00Z' }, b, false).ts).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });
});
