import { loadCanaryConfig, normaliseFaultsFlag, parseCanaryArgs } from './config';
import { RecoveryDetector, recoveryThreshold, selectPhases, FAULT_SCHEDULE, type FaultDriver } from './faults/schedule';
import { lineText, newRunId, retryAfterMs, seqOf } from './lines';
import { verdictOf } from './report';
import { PhaseStats, Samples } from './stats';

describe('lines', () => {
  it('writes and reads back a numbered line of one run only', () => {
    expect(seqOf('crun1', lineText('crun1', 42))).toBe(42);
    expect(seqOf('crun2', lineText('crun1', 42))).toBeUndefined();
    expect(seqOf('crun1', 'canary crun1 4x')).toBeUndefined();
    expect(seqOf('crun1', undefined)).toBeUndefined();
    expect(newRunId(0, () => 0)).toMatch(/^c[0-9a-z]+$/);
  });
  it('reads Retry-After in seconds, bounded', () => {
    expect(retryAfterMs('3', 2000)).toBe(2000);
    expect(retryAfterMs('1', 2000)).toBe(1000);
    expect(retryAfterMs(null, 2000)).toBeUndefined();
    expect(retryAfterMs('soon', 2000)).toBeUndefined();
  });
});

describe('Samples and PhaseStats', () => {
  it('gives nearest-rank percentiles and the maximum', () => {
    const s = new Samples();
    for (let i = 1; i <= 100; i++) s.add(i);
    expect(s.summary()).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(new Samples().summary()).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });
  it('keeps a bounded sample however many values come', () => {
    const s = new Samples(10, () => 0.999);
    for (let i = 0; i < 1000; i++) s.add(i);
    expect(s.count).toBe(1000);
    expect(s.max).toBe(999);
    expect(s.percentile(100)).toBeLessThan(10);
  });
  it('files figures under the phase a line was written in and under all phases', () => {
    const stats = new PhaseStats();
    stats.record({ kind: 'acked', seq: 1, phase: 'f', writeMs: 30 });
    stats.record({ kind: 'found', path: 'search', seq: 1, phase: 'f', latencyMs: 900, late: false, wasMissing: false });
    stats.record({ kind: 'missing', path: 'tail', seq: 1, phase: 'f' });
    stats.record({ kind: 'found', path: 'tail', seq: 1, phase: 'f', latencyMs: 20_000, late: true, wasMissing: true });
    stats.record({ kind: 'duplicated', path: 'search', seq: 1, phase: 'f' });
    expect(stats.figures('f')).toMatchObject({ acknowledged: 1, write: { max: 30 }, search: { p50: 900, duplicated: 1 }, tail: { late: 1, missing: 0 } });
    expect(stats.figures('(all)').acknowledged).toBe(1);
    expect(stats.figures('other').acknowledged).toBe(0);
  });
});

describe('fault schedule', () => {
  const driver: FaultDriver = {
    natsNodes: () => ['nats-1', 'nats-2', 'nats-3'],
    openSearchNodes: () => ['opensearch-1', 'opensearch-2'],
    natsStreamLeader: async () => 'nats-3',
    openSearchManager: async () => 'opensearch-1',
    kill: async () => undefined,
    restore: async () => undefined,
    waitHealthy: async () => undefined,
  };
  it('picks the stream leader, then a follower, the data node, the manager, then the second replica of each service', async () => {
    const picks = await Promise.all(FAULT_SCHEDULE.map(async (p) => [p.name, (await p.pick(driver)).map((t) => t.name)]));
    expect(Object.fromEntries(picks)).toEqual({
      'nats-stream-leader': ['nats-3'],
      'nats-follower': ['nats-2'],
      'opensearch-data-node': ['opensearch-2'],
      'opensearch-manager': ['opensearch-1'],
      'service-replicas': ['ingest-gateway-2', 'broker-router-2', 'parser-worker-2', 'indexer-2', 'query-api-2'],
    });
  });
  it('selects phases by name in schedule order and names unknown ones', () => {
    expect(selectPhases('service-replicas,nats-follower').map((p) => p.name)).toEqual(['nats-follower', 'service-replicas']);
    expect(selectPhases('').length).toBe(FAULT_SCHEDULE.length);
    expect(() => selectPhases('nats-everything')).toThrow(/unknown fault phase.*nats-everything/);
  });
  it('recovers at the first of `hold` samples in a row under the threshold', () => {
    const d = new RecoveryDetector(3000, 3);
    expect(d.sample(0, [9000, 0])).toBeUndefined();
    expect(d.sample(1, [100, 2000])).toBeUndefined();
    expect(d.sample(2, [100, 3500])).toBeUndefined(); // a relapse starts the count again
    d.sample(3, [0, 0]);
    d.sample(4, [0, 0]);
    expect(d.sample(5, [0, 0])).toBe(3);
    expect(d.sample(6, [99_999])).toBe(3);
  });
  it('sets the threshold at twice the worst steady lag, at least the floor', () => {
    expect(recoveryThreshold([100, 1800, 900])).toBe(3600);
    expect(recoveryThreshold([100])).toBe(3000);
    expect(recoveryThreshold([])).toBe(3000);
  });
});

describe('verdict', () => {
  const path = { found: 10, late: 0, missing: 0, duplicated: 0, pending: 0 };
  const base = {
    run: 'c', startedAt: '', durationSeconds: 1, rate: 10, tail: { reconnects: 0, dropped: 0 },
    counts: { sent: 10, acknowledged: 10, unacknowledged: 0, search: path, tail: path },
    overall: undefined as never, steady: undefined as never,
  };
  it('passes with every acknowledged line found once', () => {
    expect(verdictOf(base, { checkTail: true })).toEqual({ pass: true, problems: [] });
  });
  it('fails on a missing, a duplicated or an unrecovered fault, naming each', () => {
    const bad = {
      ...base,
      counts: { ...base.counts, search: { ...path, missing: 2 }, tail: { ...path, duplicated: 1 } },
      exportCheck: { exported: 9, missing: 1, duplicated: 0 },
      faults: [{ name: 'nats-follower', recoveryMs: undefined } as never],
    };
    const v = verdictOf(bad, { checkTail: true });
    expect(v.pass).toBe(false);
    expect(v.problems).toEqual([
      '2 acknowledged lines never became searchable',
      '1 lines arrived twice on the live tail',
      '1 acknowledged lines are absent from the export',
      'did not recover from nats-follower',
    ]);
    expect(verdictOf({ ...base, counts: { ...base.counts, tail: { ...path, missing: 5 } } }, { checkTail: false }).pass).toBe(true);
  });
});

describe('config', () => {
  const env = { CANARY_INGEST_URLS: 'http://a:1/, http://b:2', CANARY_QUERY_URLS: 'http://q:3', CANARY_INGEST_KEY: 'mlr_ik_abcdefgh', CANARY_READ_KEY: 'mlr_sk_abcdefgh' };
  it('reads the environment, flags over it, with a batch of a tenth of a second by default', () => {
    const c = loadCanaryConfig(parseCanaryArgs(['--rate', '500']), env);
    expect(c).toMatchObject({ CANARY_INGEST_URLS: ['http://a:1', 'http://b:2'], CANARY_RATE: 500, CANARY_BATCH: 50, CANARY_TAIL: true, CANARY_MAX_RETRY_MS: 90_000 });
  });
  it('names every bad setting', () => {
    expect(() => loadCanaryConfig(parseCanaryArgs([]), { ...env, CANARY_INGEST_KEY: 'nope', CANARY_QUERY_URLS: 'ftp://x' })).toThrow(/CANARY_QUERY_URLS.*\n.*CANARY_INGEST_KEY/s);
  });
  it('takes --faults alone as every phase', () => {
    expect(parseCanaryArgs(normaliseFaultsFlag(['--faults', '--rate', '5'])).faults).toBe('');
    expect(parseCanaryArgs(normaliseFaultsFlag(['--faults', 'nats-follower'])).faults).toBe('nats-follower');
    expect(() => parseCanaryArgs(['--nope'])).toThrow();
  });
});
