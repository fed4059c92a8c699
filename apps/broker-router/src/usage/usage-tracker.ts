import { emptyTally, type AppTally } from '../routing/route-batch';

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The next UTC midnight after an instant, epoch ms. */
export function nextUtcMidnight(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** Apps counted separately per tenant and day; further app names are counted under OTHER_APPS. */
export const MAX_APPS_PER_DAY = 500;
export const OTHER_APPS = '(other apps)';

export interface UsageRow extends AppTally {
  tenant: string;
  day: string;
  app: string;
}

export function addTally(into: AppTally, from: AppTally): void {
  into.received += from.received;
  into.receivedBytes += from.receivedBytes;
  into.kept += from.kept;
  into.keptBytes += from.keptBytes;
  into.excluded += from.excluded;
  into.sampled += from.sampled;
  into.noIndex += from.noIndex;
  into.overQuota += from.overQuota;
  into.overQuotaBytes += from.overQuotaBytes;
}

/**
 * Usage counted in memory between flushes: one row per tenant, UTC day and app, whatever the
 * number of lines. The flusher takes the pending rows and upserts them in one statement; a
 * failed flush puts them back, so nothing is lost while PostgreSQL is away.
 */
export class UsageTracker {
  private pending = new Map<string, UsageRow>();
  /** Apps seen per tenant-day (bounded), to cap the rows one tenant can create. */
  private readonly apps = new Map<string, Set<string>>();

  add(tenant: string, day: string, tallies: Map<string, AppTally>): void {
    for (const [app, tally] of tallies) this.addRow({ tenant, day, app: this.appName(tenant, day, app), ...tally });
  }

  private appName(tenant: string, day: string, app: string): string {
    const key = `${tenant}\u0000${day}`;
    let seen = this.apps.get(key);
    if (!seen) {
      if (this.apps.size > 10_000) this.apps.clear();
      this.apps.set(key, (seen = new Set()));
    }
    if (seen.has(app)) return app;
    if (seen.size >= MAX_APPS_PER_DAY) return OTHER_APPS;
    seen.add(app);
    return app;
  }

  private addRow(row: UsageRow): void {
    const key = `${row.tenant}\u0000${row.day}\u0000${row.app}`;
    const existing = this.pending.get(key);
    if (existing) addTally(existing, row);
    else this.pending.set(key, { ...row });
  }

  /** Take everything pending (the caller flushes it, or gives it back with restore). */
  take(): UsageRow[] {
    const rows = [...this.pending.values()];
    this.pending = new Map();
    return rows;
  }

  restore(rows: UsageRow[]): void {
    for (const row of rows) this.addRow(row);
  }

  /** Pending (not yet flushed) rows of one tenant and day. */
  pendingFor(tenant: string, day: string): UsageRow[] {
    return [...this.pending.values()].filter((r) => r.tenant === tenant && r.day === day);
  }

  get size(): number {
    return this.pending.size;
  }
}

/**
 * The quota decision of one tenant on one day. `used` = bytes kept today as far as this replica
 * knows: the total stored in PostgreSQL at the last flush (every replica's) plus what this
 * replica counted since.
 */
export interface QuotaLedger {
  day: string;
  persistedBytes: number;
  localBytes: number;
}

export function quotaRemaining(limitBytes: number, ledger: QuotaLedger): number {
  if (!limitBytes) return Infinity;
  return limitBytes - (ledger.persistedBytes + ledger.localBytes);
}

export { emptyTally };
