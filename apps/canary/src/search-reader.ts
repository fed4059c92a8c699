import type { Ledger } from './ledger';
import { seqOf } from './lines';
import { BackgroundLoop } from './loop';
import type { CanaryMetrics } from './metrics';
import { sleep } from './writer';

export interface SearchReaderOptions {
  queryUrls: string[];
  readKey: string;
  run: string;
  pollMs: number;
  /** Lines older than this are not looked for any more (the ledger has declared them missing). */
  missingMs: number;
  ledger: Ledger;
  metrics: CanaryMetrics;
}

interface SearchPage {
  events: Array<{ id: string; message?: string }>;
  nextCursor?: string;
}

const PAGE = 1000;

/**
 * Looks for the run's lines through search, every `pollMs`, on each query-api replica in turn:
 * from a little before the oldest line not found yet to now, oldest first, every page.
 */
export class SearchReader extends BackgroundLoop {
  private turn = 0;

  constructor(private readonly options: SearchReaderOptions) {
    super();
  }

  /** One look now (also used for the last look at the end). */
  async poll(): Promise<void> {
    const o = this.options;
    const now = Date.now();
    const oldest = o.ledger.oldestPending('search');
    if (oldest === undefined) return;
    const from = Math.max(oldest - 2000, now - o.missingMs - 5000);
    const url = o.queryUrls[this.turn++ % o.queryUrls.length];
    let cursor: string | undefined;
    do {
      const params = new URLSearchParams({ q: o.run, from: String(from), to: String(now + 60_000), order: 'asc', limit: String(PAGE) });
      if (cursor) params.set('cursor', cursor);
      const reply = await fetch(`${url}/v1/search?${params}`, { headers: { authorization: `Bearer ${o.readKey}` }, signal: AbortSignal.timeout(10_000) });
      if (!reply.ok) {
        await reply.arrayBuffer().catch(() => undefined);
        throw new Error(`search on ${url} answered ${reply.status}`);
      }
      const page = (await reply.json()) as SearchPage;
      const at = Date.now();
      for (const event of page.events) {
        const seq = seqOf(o.run, event.message);
        if (seq !== undefined) o.ledger.found('search', seq, event.id, at);
      }
      cursor = page.events.length === PAGE ? page.nextCursor : undefined;
    } while (cursor);
  }

  protected async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        await this.poll();
      } catch {
        this.options.metrics.readFailures.inc({ path: 'search' });
      }
      await sleep(this.options.pollMs - (Date.now() - started));
    }
  }
}
