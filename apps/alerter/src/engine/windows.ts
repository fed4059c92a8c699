/**
 * Window counting for stream alerts (presence and absence), as a pure state machine. The store
 * keeps one `WindowState` per (alert, group) in PostgreSQL and runs these functions inside the
 * transaction that holds the alert's lock, so every replica sees the same counts.
 *
 * Time is the gateway's receive time of the batch (`receivedAt`): it is the same on every
 * redelivery, so replaying a batch after a crash lands in the same window it would have.
 *
 * presence ("at least N lines within W"):
 *   - idle until a matching line arrives; that line opens a window [t, t + W);
 *   - `immediate`: fires at the Nth line; `window_end`: fires when the window closes with >= N;
 *   - while firing, windows follow each other back to back; the first one that closes with
 *     fewer than N lines resolves the alert and the state goes idle again.
 * absence ("fewer than N lines within W", a heartbeat):
 *   - windows follow each other back to back from the first one (the alert's activation, or
 *     the first line of a group); a window that closes with fewer than N lines fires;
 *   - while firing, the Nth line of the current window resolves at once.
 */
export interface WindowRule {
  kind: 'presence' | 'absence';
  count: number;
  windowMs: number;
  trigger: 'immediate' | 'window_end';
}

export interface Sample {
  ts: number;
  app: string;
  host: string;
  level?: string;
  message: string;
}

export interface WindowState {
  windowStart: number | null;
  windowEnd: number | null;
  count: number;
  firing: boolean;
  samples: Sample[];
}

export interface Transition {
  event: 'firing' | 'resolved';
  count: number;
  windowStart: number;
  windowEnd: number;
  /** When the condition was met (the line's time, or the window's end). */
  at: number;
  samples: Sample[];
}

export const MAX_SAMPLES = 5;

export function idleState(): WindowState {
  return { windowStart: null, windowEnd: null, count: 0, firing: false, samples: [] };
}

/** The first window of an absence alert or group, opened at `t`. */
export function openedState(t: number, rule: WindowRule): WindowState {
  return { windowStart: t, windowEnd: t + rule.windowMs, count: 0, firing: false, samples: [] };
}

function transition(event: Transition['event'], s: WindowState, at: number): Transition {
  return { event, count: s.count, windowStart: s.windowStart ?? at, windowEnd: s.windowEnd ?? at, at, samples: s.samples };
}

/**
 * Close every window that ended at or before `now`, returning the new state and what changed.
 * Empty windows after the first are skipped in one step, however long the gap.
 */
export function closeWindows(rule: WindowRule, state: WindowState, now: number): { state: WindowState; transitions: Transition[] } {
  const transitions: Transition[] = [];
  let s = { ...state };
  while (s.windowEnd !== null && s.windowEnd <= now) {
    const end = s.windowEnd;
    if (rule.kind === 'presence') {
      if (s.count >= rule.count) {
        if (!s.firing) {
          transitions.push(transition('firing', s, end));
          s.firing = true;
        }
        s = { ...s, windowStart: end, windowEnd: end + rule.windowMs, count: 0, samples: [] };
      } else {
        if (s.firing) transitions.push(transition('resolved', s, end));
        s = idleState();
      }
    } else {
      if (s.count < rule.count) {
        if (!s.firing) {
          transitions.push(transition('firing', s, end));
          s.firing = true;
        }
      } else if (s.firing) {
        transitions.push(transition('resolved', s, end));
        s.firing = false;
      }
      let start = end;
      if (start + rule.windowMs <= now) {
        // Whole empty windows follow: the first of them is an absence; the rest change nothing,
        // so jump straight to the window that contains `now`.
        if (!s.firing) {
          transitions.push(transition('firing', { ...s, windowStart: start, windowEnd: start + rule.windowMs, count: 0, samples: [] }, start + rule.windowMs));
          s.firing = true;
        }
        start += Math.floor((now - start) / rule.windowMs) * rule.windowMs;
      }
      s = { ...s, windowStart: start, windowEnd: start + rule.windowMs, count: 0, samples: [] };
    }
  }
  return { state: s, transitions };
}

/**
 * Count `lines` matching lines that arrived at `t` (with up to MAX_SAMPLES examples), after
 * closing the windows that ended before `t`.
 */
export function addLines(rule: WindowRule, state: WindowState, t: number, lines: number, samples: Sample[]): { state: WindowState; transitions: Transition[] } {
  const closed = closeWindows(rule, state, t);
  const transitions = closed.transitions;
  let s = closed.state;
  if (s.windowStart === null || s.windowEnd === null) s = { ...s, windowStart: t, windowEnd: t + rule.windowMs, count: 0, samples: [] };
  const before = s.count;
  s = { ...s, count: before + lines, samples: s.samples.length >= MAX_SAMPLES ? s.samples : [...s.samples, ...samples].slice(0, MAX_SAMPLES) };
  if (rule.kind === 'presence') {
    if (rule.trigger === 'immediate' && !s.firing && s.count >= rule.count) {
      transitions.push(transition('firing', s, t));
      s.firing = true;
    }
  } else if (s.firing && s.count >= rule.count) {
    transitions.push(transition('resolved', s, t));
    s.firing = false;
  }
  return { state: s, transitions };
}

/** Replay lines (sorted by time) through the state machine: the dry run and the tests use it. */
export function simulate(rule: WindowRule, arrivals: Array<{ t: number; lines: number; samples?: Sample[] }>, until: number, initial: WindowState = idleState()): Transition[] {
  let state = initial;
  const all: Transition[] = [];
  for (const a of arrivals) {
    const r = addLines(rule, state, a.t, a.lines, a.samples ?? []);
    state = r.state;
    all.push(...r.transitions);
  }
  const last = closeWindows(rule, state, until);
  all.push(...last.transitions);
  return all;
}
