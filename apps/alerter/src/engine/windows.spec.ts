import { addLines, closeWindows, idleState, openedState, simulate, type WindowRule } from './windows';

const S = 1000;
const presence = (count: number, trigger: WindowRule['trigger'] = 'immediate'): WindowRule => ({ kind: 'presence', count, windowMs: 10 * S, trigger });
const absence = (count: number): WindowRule => ({ kind: 'absence', count, windowMs: 10 * S, trigger: 'immediate' });
const at = (...pairs: Array<[number, number]>) => pairs.map(([t, lines]) => ({ t: t * S, lines }));
const summary = (ts: ReturnType<typeof simulate>) => ts.map((t) => `${t.event}@${t.at / S}:${t.count}`);

describe('presence windows', () => {
  it('fires immediately at the Nth line of a window that opened at the first line', () => {
    expect(summary(simulate(presence(3), at([100, 1], [101, 1], [105, 1]), 105 * S))).toEqual(['firing@105:3']);
  });

  it('does not fire when the N lines are spread over more than one window', () => {
    expect(summary(simulate(presence(3), at([100, 2], [111, 1], [125, 1]), 200 * S))).toEqual([]);
  });

  it('counts a whole batch at once and fires once however many lines pass N', () => {
    expect(summary(simulate(presence(3), at([100, 50], [101, 50]), 101 * S))).toEqual(['firing@100:50']);
  });

  it('with window_end fires only when the window closes, with the final count', () => {
    expect(summary(simulate(presence(3, 'window_end'), at([100, 1], [102, 3], [109, 2]), 109.9 * S))).toEqual([]);
    expect(summary(simulate(presence(3, 'window_end'), at([100, 1], [102, 3], [109, 2]), 110 * S))).toEqual(['firing@110:6']);
  });

  it('stays firing while windows keep the count, and resolves at the end of the first window below it', () => {
    const events = at([100, 3], [112, 3], [125, 1]);
    expect(summary(simulate(presence(3), events, 200 * S))).toEqual(['firing@100:3', 'resolved@130:1']);
  });

  it('resolves one window after the burst when nothing more arrives, and can fire again later', () => {
    expect(summary(simulate(presence(2), at([100, 2], [150, 2]), 200 * S))).toEqual(['firing@100:2', 'resolved@120:0', 'firing@150:2', 'resolved@170:0']);
  });

  it('closing is idempotent and only ever moves forward', () => {
    const rule = presence(1, 'window_end');
    const s1 = addLines(rule, idleState(), 100 * S, 1, []).state;
    const c1 = closeWindows(rule, s1, 110 * S);
    expect(c1.transitions.map((t) => t.event)).toEqual(['firing']);
    expect(closeWindows(rule, c1.state, 110 * S).transitions).toEqual([]);
  });

  it('keeps at most 5 samples, the first ones of the window', () => {
    const samples = Array.from({ length: 8 }, (_, i) => ({ ts: i, app: 'a', host: 'h', message: `m${i}` }));
    const r = addLines(presence(100), idleState(), 0, 8, samples);
    expect(r.state.samples.map((s) => s.message)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });
});

describe('absence windows', () => {
  it('fires when a window closes with fewer than N lines, and resolves at once at the Nth line', () => {
    const rule = absence(2);
    const start = openedState(100 * S, rule);
    expect(summary(simulate(rule, at([101, 1], [105, 1], [112, 1], [125, 1], [126, 1]), 130 * S, start))).toEqual(['firing@120:1', 'resolved@126:2']);
  });

  it('fires once for a long silence and jumps to the current window', () => {
    const rule = absence(1);
    const r = closeWindows(rule, openedState(0, rule), 3600 * S + 5 * S);
    expect(summary(r.transitions)).toEqual(['firing@10:0']);
    expect(r.state.windowStart).toBe(3600 * S);
    expect(r.state.windowEnd).toBe(3610 * S);
  });

  it('fires for an empty window that follows a full one', () => {
    const rule = absence(1);
    const r = simulate(rule, at([1, 1]), 25 * S, openedState(0, rule));
    expect(summary(r)).toEqual(['firing@20:0']);
  });

  it('never fires while the heartbeat keeps coming', () => {
    const rule = absence(1);
    const beats = Array.from({ length: 30 }, (_, i) => ({ t: i * 3 * S + S, lines: 1 }));
    expect(simulate(rule, beats, 90 * S, openedState(0, rule))).toEqual([]);
  });
});
