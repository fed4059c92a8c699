import { Ledger, type LedgerEvent } from './ledger';

function ledger(extra: Partial<ConstructorParameters<typeof Ledger>[0]> = {}) {
  const events: LedgerEvent[] = [];
  const l = new Ledger({ lateMs: 1000, missingMs: 5000, keepMs: 10_000, onEvent: (e) => events.push(e), ...extra });
  return { l, events };
}

describe('Ledger', () => {
  it('counts a line found once on each path as found, with its latency from the write', () => {
    const { l, events } = ledger();
    l.sent([0, 1], 100, 'steady');
    l.acked([0, 1], 150);
    expect(l.snapshot().search.pending).toBe(2);
    l.found('search', 0, 'e0', 400);
    l.found('tail', 0, 'e0', 160);
    l.found('search', 0, 'e0', 1400); // seen again by an overlapping poll: not a duplicate
    const c = l.snapshot();
    expect(c).toMatchObject({ sent: 2, acknowledged: 2, search: { found: 1, pending: 1, duplicated: 0, late: 0 }, tail: { found: 1, pending: 1 } });
    expect(events).toContainEqual({ kind: 'found', path: 'search', seq: 0, phase: 'steady', latencyMs: 300, late: false, wasMissing: false });
    expect(events).toContainEqual({ kind: 'acked', seq: 0, phase: 'steady', writeMs: 50 });
  });

  it('counts a line found under a second event id as duplicated', () => {
    const { l } = ledger();
    l.sent([7], 0, 'p');
    l.acked([7], 10);
    l.found('search', 7, 'a', 20);
    l.found('search', 7, 'b', 30);
    l.found('search', 7, 'b', 40);
    expect(l.snapshot().search).toMatchObject({ found: 1, duplicated: 1 });
  });

  it('counts a line found after the late threshold as late, and one never found as missing after the missing threshold', () => {
    const { l } = ledger();
    l.sent([1, 2], 0, 'p');
    l.acked([1, 2], 10);
    l.found('search', 1, 'x', 1500);
    l.sweep(4000);
    expect(l.snapshot().search).toMatchObject({ late: 1, missing: 0, pending: 1 });
    expect(l.oldestPending('search')).toBe(0);
    l.sweep(5001);
    expect(l.snapshot().search).toMatchObject({ missing: 1, pending: 0 });
    expect(l.missingSeqs('search')).toEqual([2]);
    expect(l.oldestPending('search')).toBeUndefined();
  });

  it('takes back a missing line found after all: it was late, not lost', () => {
    const { l, events } = ledger();
    l.sent([3], 0, 'fault');
    l.acked([3], 5);
    l.sweep(6000);
    expect(l.snapshot().search.missing).toBe(1);
    l.found('search', 3, 'z', 7000);
    expect(l.snapshot().search).toMatchObject({ missing: 0, late: 1, found: 1, pending: 0 });
    expect(events.at(-1)).toMatchObject({ kind: 'found', wasMissing: true, late: true });
  });

  it('does not expect lines whose request was given up, and welcomes them if they show up', () => {
    const { l } = ledger();
    l.sent([4, 5], 0, 'p');
    l.unacked([4, 5]);
    l.found('search', 4, 'q', 100);
    l.sweep(60_000, { final: true });
    expect(l.snapshot()).toMatchObject({ acknowledged: 0, unacknowledged: 2, search: { missing: 0, found: 1, pending: 0 } });
    expect(l.acknowledgedSeqs()).toEqual([]);
  });

  it('declares everything not found missing at the final sweep and remembers acknowledged numbers after forgetting the lines', () => {
    const { l } = ledger({ paths: ['search'] });
    l.sent([0, 1, 2], 0, 'p');
    l.acked([0, 1, 2], 1);
    l.found('search', 0, 'a', 2);
    l.found('search', 1, 'b', 2);
    l.sweep(20_000); // 2 missing; 0 and 1 settled long ago: forgotten
    expect(l.size).toBe(1);
    l.sweep(20_001, { final: true });
    expect(l.snapshot().search).toMatchObject({ found: 2, missing: 1 });
    expect(l.acknowledgedSeqs()).toEqual([0, 1, 2]);
  });

  it('with the search path only, a line found there is settled', () => {
    const { l } = ledger({ paths: ['search'] });
    l.sent([0], 0, 'p');
    l.acked([0], 1);
    l.found('search', 0, 'a', 2);
    l.sweep(100, { final: true });
    expect(l.snapshot().tail).toMatchObject({ missing: 0, pending: 0 });
  });
});
