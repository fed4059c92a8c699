/** What a fault does to: a server node (`nats-2`, `opensearch-1`) or a service instance (`indexer-2`). */
export interface FaultTarget {
  kind: 'node' | 'instance';
  name: string;
}

/** The knobs of a deployment the fault schedule turns (tools/stack and tools/platform locally). */
export interface FaultDriver {
  natsNodes(): string[];
  openSearchNodes(): string[];
  natsStreamLeader(stream: string): Promise<string>;
  openSearchManager(): Promise<string>;
  /** kill -9. */
  kill(target: FaultTarget): Promise<void>;
  /** Start it again and wait until it is ready. */
  restore(target: FaultTarget): Promise<void>;
  /** Every node and instance up, streams with current replicas, OpenSearch green. */
  waitHealthy(timeoutMs: number): Promise<void>;
  close?(): Promise<void>;
}

export interface FaultPhase {
  name: string;
  description: string;
  pick(driver: FaultDriver): Promise<FaultTarget[]>;
}

/** The second replica of each replicated service: the first keeps consuming while it is away. */
export const SECOND_REPLICAS = ['ingest-gateway-2', 'broker-router-2', 'parser-worker-2', 'indexer-2', 'query-api-2'];

/** The fault schedule of issue 19, in order. */
export const FAULT_SCHEDULE: FaultPhase[] = [
  {
    name: 'nats-stream-leader',
    description: 'kill -9 the NATS node leading the INGEST stream',
    pick: async (d) => [{ kind: 'node', name: await d.natsStreamLeader('INGEST') }],
  },
  {
    name: 'nats-follower',
    description: 'kill -9 a NATS node following the INGEST stream',
    pick: async (d) => {
      const leader = await d.natsStreamLeader('INGEST');
      const follower = d.natsNodes().filter((n) => n !== leader).pop();
      if (!follower) throw new Error('no NATS follower: the profile has one NATS node');
      return [{ kind: 'node', name: follower }];
    },
  },
  {
    name: 'opensearch-data-node',
    description: 'kill -9 the OpenSearch node that is not the elected cluster manager',
    pick: async (d) => {
      const manager = await d.openSearchManager();
      const other = d.openSearchNodes().find((n) => n !== manager);
      if (!other) throw new Error('no second OpenSearch node: the profile has one');
      return [{ kind: 'node', name: other }];
    },
  },
  {
    name: 'opensearch-manager',
    description: 'kill -9 the elected OpenSearch cluster manager (the other node cannot elect itself alone)',
    pick: async (d) => [{ kind: 'node', name: await d.openSearchManager() }],
  },
  {
    name: 'service-replicas',
    description: 'kill -9 one replica of the gateway, router, parser, indexer and query-api together',
    pick: async () => SECOND_REPLICAS.map((name) => ({ kind: 'instance', name })),
  },
];

/** The phases named in a comma-separated list (all when empty), in schedule order. */
export function selectPhases(names: string | undefined, schedule = FAULT_SCHEDULE): FaultPhase[] {
  if (!names) return schedule;
  const wanted = names.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !schedule.some((p) => p.name === w));
  if (unknown.length > 0) throw new Error(`unknown fault phase(s): ${unknown.join(', ')} (known: ${schedule.map((p) => p.name).join(', ')})`);
  return schedule.filter((p) => wanted.includes(p.name));
}

/**
 * When the canary is back to normal after a fault: every lag (how long the oldest line still
 * waiting to be acknowledged, searchable or tailed has waited) at or under the threshold for
 * `hold` samples in a row. `recoveredAt` is the first of those samples.
 */
export class RecoveryDetector {
  private run: number[] = [];
  recoveredAt?: number;

  constructor(private readonly thresholdMs: number, private readonly hold = 4) {}

  sample(at: number, lagsMs: number[]): number | undefined {
    if (this.recoveredAt !== undefined) return this.recoveredAt;
    if (lagsMs.every((l) => l <= this.thresholdMs)) {
      this.run.push(at);
      if (this.run.length >= this.hold) this.recoveredAt = this.run[0];
    } else this.run = [];
    return this.recoveredAt;
  }
}

/** The recovery threshold from the lags seen in steady state: twice the worst, at least `floorMs`. */
export function recoveryThreshold(steadyLagsMs: number[], floorMs = 3000): number {
  return Math.max(floorMs, 2 * Math.max(0, ...steadyLagsMs));
}
