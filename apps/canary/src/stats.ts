import type { LedgerEvent, ReadPath } from './ledger';

/**
 * A bounded sample of values (reservoir sampling beyond `capacity`), for percentiles that stay
 * cheap however long the canary runs.
 */
export class Samples {
  private readonly values: number[] = [];
  private seen = 0;
  private maximum = 0;

  constructor(private readonly capacity = 20_000, private readonly random: () => number = Math.random) {}

  add(value: number): void {
    this.seen++;
    if (value > this.maximum) this.maximum = value;
    if (this.values.length < this.capacity) this.values.push(value);
    else {
      const slot = Math.floor(this.random() * this.seen);
      if (slot < this.capacity) this.values[slot] = value;
    }
  }

  get count(): number {
    return this.seen;
  }

  get max(): number {
    return this.maximum;
  }

  /** The p-th percentile (0–100), nearest rank; 0 without values. */
  percentile(p: number): number {
    if (this.values.length === 0) return 0;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
  }

  summary(): LatencySummary {
    return { count: this.count, p50: this.percentile(50), p99: this.percentile(99), max: this.max };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface PhaseFigures {
  acknowledged: number;
  write: LatencySummary;
  search: LatencySummary & { late: number; missing: number; duplicated: number };
  tail: LatencySummary & { late: number; missing: number; duplicated: number };
}

interface PhaseAccumulator {
  acknowledged: number;
  write: Samples;
  latency: Record<ReadPath, Samples>;
  late: Record<ReadPath, number>;
  missing: Record<ReadPath, number>;
  duplicated: Record<ReadPath, number>;
}

/** The figures of every line, whatever its phase. */
export const ALL_PHASES = '(all)';

/** Figures per phase (the phase a line was written in), fed by the ledger's events. */
export class PhaseStats {
  private readonly phases = new Map<string, PhaseAccumulator>();

  record(event: LedgerEvent): void {
    this.add(this.of(ALL_PHASES), event);
    this.add(this.of(event.phase), event);
  }

  private add(phase: PhaseAccumulator, event: LedgerEvent): void {
    switch (event.kind) {
      case 'acked':
        phase.acknowledged++;
        phase.write.add(event.writeMs);
        break;
      case 'found':
        phase.latency[event.path].add(event.latencyMs);
        if (event.late) phase.late[event.path]++;
        if (event.wasMissing) phase.missing[event.path] = Math.max(0, phase.missing[event.path] - 1);
        break;
      case 'duplicated':
        phase.duplicated[event.path]++;
        break;
      case 'missing':
        phase.missing[event.path]++;
        break;
    }
  }

  figures(phase: string): PhaseFigures {
    const p = this.of(phase);
    const path = (r: ReadPath) => ({ ...p.latency[r].summary(), late: p.late[r], missing: p.missing[r], duplicated: p.duplicated[r] });
    return { acknowledged: p.acknowledged, write: p.write.summary(), search: path('search'), tail: path('tail') };
  }

  names(): string[] {
    return [...this.phases.keys()];
  }

  private of(name: string): PhaseAccumulator {
    let p = this.phases.get(name);
    if (!p) {
      p = {
        acknowledged: 0,
        write: new Samples(),
        latency: { search: new Samples(), tail: new Samples() },
        late: { search: 0, tail: 0 },
        missing: { search: 0, tail: 0 },
        duplicated: { search: 0, tail: 0 },
      };
      this.phases.set(name, p);
    }
    return p;
  }
}
