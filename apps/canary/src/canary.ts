import { Ledger, type LedgerCounts, type ReadPath } from './ledger';
import { seqOf } from './lines';
import { CanaryMetrics } from './metrics';
import { SearchReader } from './search-reader';
import { PhaseStats, type PhaseFigures } from './stats';
import { TailReader } from './tail-reader';
import { sleep, Writer } from './writer';

export interface CanaryOptions {
  gateways: string[];
  queryUrls: string[];
  ingestKey: string;
  readKey: string;
  run: string;
  app: string;
  rate: number;
  batch: number;
  lateMs: number;
  missingMs: number;
  pollMs: number;
  maxRetryMs: number;
  maxInFlight: number;
  tail: boolean;
  log: (message: string) => void;
}

export interface ExportCheck {
  exported: number;
  /** Acknowledged lines absent from the export. */
  missing: number;
  /** Lines exported under more than one event id. */
  duplicated: number;
}

export const STEADY = 'steady';

/**
 * Writes, reads back and keeps the books. Phases label the lines written while they last, so
 * a fault's figures are those of the lines written during it.
 */
export class Canary {
  readonly metrics = new CanaryMetrics();
  readonly stats = new PhaseStats();
  readonly ledger: Ledger;
  readonly writer: Writer;
  private readonly search: SearchReader;
  private readonly tail?: TailReader;
  private phase = STEADY;
  private sweeper?: NodeJS.Timeout;
  readonly startedAt = Date.now();
  /** Lines found through search per second (epoch second → count), the last ten minutes. */
  private readonly searchablePerSecond = new Map<number, number>();

  constructor(readonly options: CanaryOptions) {
    const paths: ReadPath[] = options.tail ? ['search', 'tail'] : ['search'];
    this.ledger = new Ledger({
      lateMs: options.lateMs,
      missingMs: options.missingMs,
      paths,
      onEvent: (event) => {
        this.stats.record(event);
        this.metrics.record(event);
        if (event.kind === 'found' && event.path === 'search') this.countSearchable();
      },
    });
    const common = { run: options.run, ledger: this.ledger, metrics: this.metrics };
    this.writer = new Writer({
      ...common, gateways: options.gateways, ingestKey: options.ingestKey, app: options.app, rate: options.rate, batch: options.batch,
      maxRetryMs: options.maxRetryMs, maxInFlight: options.maxInFlight, phase: () => this.phase, log: options.log,
    });
    this.search = new SearchReader({ ...common, queryUrls: options.queryUrls, readKey: options.readKey, pollMs: options.pollMs, missingMs: options.missingMs });
    if (options.tail) this.tail = new TailReader({ ...common, queryUrls: options.queryUrls, readKey: options.readKey, log: options.log });
  }

  /** The tail first (lines written before it is ready would not reach it), then search and the writer. */
  async start(): Promise<void> {
    if (this.tail) {
      this.tail.start();
      const timeout = sleep(15_000).then(() => {
        throw new Error('the live tail did not get ready within 15 s');
      });
      await Promise.race([this.tail.whenReady, timeout]);
    }
    this.search.start();
    this.writer.start();
    this.sweeper = setInterval(() => {
      this.ledger.sweep(Date.now());
      this.metrics.update(this.ledger.snapshot());
    }, 1000);
  }

  setPhase(name: string): void {
    this.phase = name;
  }

  /** How long the oldest line still waiting has waited: for its 2xx, to be searchable, to be tailed. */
  lags(now = Date.now()): { write: number; search: number; tail: number } {
    const since = (t: number | undefined) => (t === undefined ? 0 : Math.max(0, now - t));
    return {
      write: since(this.writer.oldestInFlight()),
      search: since(this.ledger.oldestPending('search')),
      tail: this.tail ? since(this.ledger.oldestPending('tail')) : 0,
    };
  }

  /** The most lines found through search in one second within [from, to]. */
  peakSearchablePerSecond(from: number, to: number): number {
    let peak = 0;
    for (let s = Math.floor(from / 1000); s <= Math.floor(to / 1000); s++) peak = Math.max(peak, this.searchablePerSecond.get(s) ?? 0);
    return peak;
  }

  /**
   * Stop writing, give the readers until every acknowledged line is found (at most `missingMs`),
   * then declare the rest missing and, when asked, check the whole run once more through export.
   */
  async finish({ verify = true } = {}): Promise<{ counts: LedgerCounts; exportCheck?: ExportCheck }> {
    await this.writer.stop();
    const deadline = Date.now() + this.options.missingMs;
    while (Date.now() < deadline) {
      const c = this.ledger.snapshot();
      if (c.search.pending === 0 && (!this.tail || c.tail.pending === 0)) break;
      await sleep(250);
    }
    await this.search.stop();
    await this.search.poll().catch(() => undefined);
    await this.tail?.stop();
    clearInterval(this.sweeper);
    this.ledger.sweep(Date.now(), { final: true });
    this.metrics.update(this.ledger.snapshot());
    const exportCheck = verify ? await this.verifyByExport() : undefined;
    return { counts: this.ledger.snapshot(), exportCheck };
  }

  figures(phase: string): PhaseFigures {
    return this.stats.figures(phase);
  }

  get tailReconnects(): number {
    return this.tail?.reconnects ?? 0;
  }

  get tailDropped(): number {
    return this.tail?.dropped ?? 0;
  }

  /** Every line of the run through `/v1/export` (NDJSON): each acknowledged line once. */
  private async verifyByExport(): Promise<ExportCheck> {
    const o = this.options;
    const params = new URLSearchParams({ q: o.run, from: String(this.startedAt - 60_000), to: String(Date.now() + 60_000), format: 'ndjson', order: 'asc' });
    let lastError: unknown;
    for (const url of o.queryUrls) {
      try {
        const reply = await fetch(`${url}/v1/export?${params}`, { headers: { authorization: `Bearer ${o.readKey}` }, signal: AbortSignal.timeout(120_000) });
        if (!reply.ok) throw new Error(`export on ${url} answered ${reply.status}`);
        const ids = new Map<number, Set<string>>();
        let exported = 0;
        for (const line of (await reply.text()).split('\n')) {
          if (!line.trim()) continue;
          const event = JSON.parse(line) as { id: string; message?: string };
          const seq = seqOf(o.run, event.message);
          if (seq === undefined) continue;
          exported++;
          let set = ids.get(seq);
          if (!set) ids.set(seq, (set = new Set()));
          set.add(event.id);
        }
        let duplicated = 0;
        for (const set of ids.values()) duplicated += set.size - 1;
        const missing = this.ledger.acknowledgedSeqs().filter((seq) => !ids.has(seq)).length;
        return { exported, missing, duplicated };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  private countSearchable(): void {
    const second = Math.floor(Date.now() / 1000);
    this.searchablePerSecond.set(second, (this.searchablePerSecond.get(second) ?? 0) + 1);
    if (this.searchablePerSecond.size > 600) this.searchablePerSecond.delete(this.searchablePerSecond.keys().next().value as number);
  }
}
