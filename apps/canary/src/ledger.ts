/**
 * The canary's bookkeeping: every numbered line it wrote, when, whether the gateway acknowledged
 * it, and when (and under which event ids) it came back through search and through the live
 * tail. Pure: time is passed in, so the rules below are tested without any server.
 *
 * - A line counts once it is acknowledged (a 2xx for its request, retries included). Lines whose
 *   request was never acknowledged are `unacknowledged`: not expected, but welcome once.
 * - `late`: found, but more than `lateMs` after it was written.
 * - `missing`: acknowledged and not found `missingMs` after it was written (or by the end).
 * - `duplicated`: found under two different event ids (one line stored twice).
 */
export type ReadPath = 'search' | 'tail';
export const READ_PATHS: readonly ReadPath[] = ['search', 'tail'];

interface PathState {
  /** Event ids this line was found under. */
  ids?: string[];
  foundAt?: number;
  late?: boolean;
  missing?: boolean;
}

interface LineRecord {
  seq: number;
  phase: string;
  sentAt: number;
  ackedAt?: number;
  unacked?: boolean;
  search: PathState;
  tail: PathState;
}

export interface PathCounts {
  found: number;
  late: number;
  missing: number;
  duplicated: number;
  /** Acknowledged, not found yet, not missing yet. */
  pending: number;
}

export interface LedgerCounts {
  sent: number;
  acknowledged: number;
  unacknowledged: number;
  search: PathCounts;
  tail: PathCounts;
}

/** What happened to a line, for the caller's metrics and per-phase figures. */
export type LedgerEvent =
  | { kind: 'acked'; seq: number; phase: string; writeMs: number }
  | { kind: 'found'; path: ReadPath; seq: number; phase: string; latencyMs: number; late: boolean; wasMissing: boolean }
  | { kind: 'duplicated'; path: ReadPath; seq: number; phase: string }
  | { kind: 'missing'; path: ReadPath; seq: number; phase: string };

export interface LedgerOptions {
  lateMs: number;
  missingMs: number;
  /** Settled lines are forgotten this long after they were written (bounded memory). */
  keepMs?: number;
  /** Read paths checked (a canary without a tail reader checks search only). */
  paths?: readonly ReadPath[];
  onEvent?: (event: LedgerEvent) => void;
}

const emptyPath = (): PathCounts => ({ found: 0, late: 0, missing: 0, duplicated: 0, pending: 0 });

export class Ledger {
  private readonly lines = new Map<number, LineRecord>();
  private readonly counts: LedgerCounts = { sent: 0, acknowledged: 0, unacknowledged: 0, search: emptyPath(), tail: emptyPath() };
  private readonly paths: readonly ReadPath[];
  private readonly keepMs: number;
  /** The writer numbers lines consecutively: what was sent is [sentFrom, sentUpTo), less the given-up ones. */
  private sentFrom = Infinity;
  private sentUpTo = 0;
  private readonly givenUp = new Set<number>();

  constructor(private readonly options: LedgerOptions) {
    this.paths = options.paths ?? READ_PATHS;
    this.keepMs = options.keepMs ?? Math.max(options.missingMs * 2, 60_000);
  }

  /** The lines of a request are on their way (first attempt). */
  sent(seqs: readonly number[], at: number, phase: string): void {
    for (const seq of seqs) {
      if (this.lines.has(seq)) continue;
      this.lines.set(seq, { seq, phase, sentAt: at, search: {}, tail: {} });
      this.counts.sent++;
      this.sentUpTo = Math.max(this.sentUpTo, seq + 1);
      this.sentFrom = Math.min(this.sentFrom, seq);
    }
  }

  /** Their request was answered 2xx. */
  acked(seqs: readonly number[], at: number): void {
    for (const seq of seqs) {
      const line = this.lines.get(seq);
      if (!line || line.ackedAt !== undefined) continue;
      line.ackedAt = at;
      if (line.unacked) {
        line.unacked = false;
        this.counts.unacknowledged--;
        this.givenUp.delete(seq);
      }
      this.counts.acknowledged++;
      for (const path of this.paths) if (line[path].foundAt === undefined) this.counts[path].pending++;
      this.options.onEvent?.({ kind: 'acked', seq, phase: line.phase, writeMs: at - line.sentAt });
    }
  }

  /** The writer gave up on their request. */
  unacked(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const line = this.lines.get(seq);
      if (!line || line.ackedAt !== undefined || line.unacked) continue;
      line.unacked = true;
      this.counts.unacknowledged++;
      this.givenUp.add(seq);
    }
  }

  /** A line came back through a read path under an event id. */
  found(path: ReadPath, seq: number, eventId: string, at: number): void {
    const line = this.lines.get(seq);
    if (!line) return; // not ours, or settled and forgotten long ago
    const state = line[path];
    if (state.ids?.includes(eventId)) return; // the same event seen again (overlapping reads)
    if (state.ids === undefined) {
      state.ids = [eventId];
      state.foundAt = at;
      const latencyMs = at - line.sentAt;
      state.late = latencyMs > this.options.lateMs;
      const counts = this.counts[path];
      counts.found++;
      if (state.late) counts.late++;
      const wasMissing = state.missing === true;
      if (line.ackedAt !== undefined && !wasMissing) counts.pending--;
      if (wasMissing) {
        // Declared missing, then found after all: it was late, not lost.
        state.missing = false;
        counts.missing--;
      }
      this.options.onEvent?.({ kind: 'found', path, seq, phase: line.phase, latencyMs, late: state.late, wasMissing });
      return;
    }
    state.ids.push(eventId);
    this.counts[path].duplicated++;
    this.options.onEvent?.({ kind: 'duplicated', path, seq, phase: line.phase });
  }

  /**
   * Declare missing what was acknowledged and not found within `missingMs` (all of it with
   * `final`), and forget lines settled long ago.
   */
  sweep(now: number, { final = false } = {}): void {
    for (const [seq, line] of this.lines) {
      if (line.ackedAt === undefined) {
        if (line.unacked && now - line.sentAt > this.keepMs) this.lines.delete(seq);
        continue;
      }
      let settled = true;
      for (const path of this.paths) {
        const state = line[path];
        if (state.foundAt !== undefined) continue;
        settled = false; // missing lines are kept for the report (and in case they turn up)
        if (state.missing) continue;
        if (final || now - line.sentAt > this.options.missingMs) {
          state.missing = true;
          this.counts[path].missing++;
          this.counts[path].pending--;
          this.options.onEvent?.({ kind: 'missing', path, seq, phase: line.phase });
        }
      }
      if (settled && !final && now - line.sentAt > this.keepMs) this.lines.delete(seq);
    }
  }

  /** When the oldest acknowledged line not yet found through `path` was sent (undefined: none). */
  oldestPending(path: ReadPath): number | undefined {
    let oldest: number | undefined;
    for (const line of this.lines.values()) {
      if (line.ackedAt === undefined || line[path].foundAt !== undefined || line[path].missing) continue;
      if (oldest === undefined || line.sentAt < oldest) oldest = line.sentAt;
    }
    return oldest;
  }

  /** Lines missing through a path, by sequence number (for the report). */
  missingSeqs(path: ReadPath, limit = 50): number[] {
    const out: number[] = [];
    for (const line of this.lines.values()) if (line[path].missing && out.length < limit) out.push(line.seq);
    return out;
  }

  /** Every acknowledged sequence number, forgotten lines included (once nothing is in flight). */
  acknowledgedSeqs(): number[] {
    const out: number[] = [];
    for (let seq = this.sentFrom; seq < this.sentUpTo; seq++) if (!this.givenUp.has(seq)) out.push(seq);
    return out;
  }

  snapshot(): LedgerCounts {
    return { ...this.counts, search: { ...this.counts.search }, tail: { ...this.counts.tail } };
  }

  /** Lines remembered now (bounded by keepMs × rate). */
  get size(): number {
    return this.lines.size;
  }
}
