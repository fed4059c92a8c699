import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Subscription } from '@nats-io/transport-node';
import { AUTH_SUBJECTS, USAGE_SUBJECTS, isTenantId, type QuotaState } from '@millrace/log-schema';
import type { OrgSettingsReply } from '@millrace/auth-token';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { askNest, publishJson, respond } from '../nats-rpc';
import { quotaBroadcasts, routedLines, usageFlushes } from '../metrics';
import type { AppTally } from '../routing/route-batch';
import { addTally, emptyTally, nextUtcMidnight, quotaRemaining, utcDay, UsageTracker, type QuotaLedger, type UsageRow } from './usage-tracker';

interface TenantQuota {
  limitBytes: number;
  fetchedAt: number;
  refreshing?: Promise<void>;
  ledger: QuotaLedger;
  /** The state last broadcast (undefined: never). */
  announced?: { exceeded: boolean; limitBytes: number };
}

export interface VolumeRequest {
  tenant?: string;
  day?: string;
}
export interface AppVolume extends AppTally {
  app: string;
}
export interface VolumeReply {
  tenant: string;
  day: string;
  apps: AppVolume[];
  totals: AppTally;
  quota: QuotaState;
}

const COLUMNS = ['received_lines', 'received_bytes', 'kept_lines', 'kept_bytes', 'excluded_lines', 'sampled_lines', 'no_index_lines', 'over_quota_lines', 'over_quota_bytes'] as const;
const FIELDS: Array<keyof AppTally> = ['received', 'receivedBytes', 'kept', 'keptBytes', 'excluded', 'sampled', 'noIndex', 'overQuota', 'overQuotaBytes'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Daily volume per tenant and app, and the daily quota that follows from it.
 * - Counts are kept in memory and upserted in one statement per flush (USAGE_FLUSH_MS).
 * - The quota comes from the organisation's settings (`auth.orgs.settings`, `dailyQuotaBytes`,
 *   re-read every QUOTA_SETTINGS_TTL_MS); a tenant is over quota once its kept bytes of the UTC
 *   day reach it. The state is broadcast on `usage.quota.state` whenever it changes (and the
 *   exceeded ones again every 30 s for gateways that just started); `usage.quota.get` and
 *   `usage.volume.get` are answered from PostgreSQL plus what is not flushed yet.
 */
@Injectable()
export class UsageService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Usage');
  private readonly tracker = new UsageTracker();
  private readonly quotas = new Map<string, TenantQuota>();
  private readonly loading = new Map<string, Promise<TenantQuota>>();
  private readonly subscriptions: Subscription[] = [];
  private flushTimer?: NodeJS.Timeout;
  private announceTimer?: NodeJS.Timeout;
  private settingsTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriptions.push(
      respond<{ tenant?: string }, QuotaState | { error: string }>(this.nc, USAGE_SUBJECTS.quotaGet, async (r) => {
        if (!r?.tenant || !isTenantId(r.tenant)) return { error: 'tenant is required' };
        return this.stateOf(r.tenant, await this.quota(r.tenant));
      }),
      respond<VolumeRequest, VolumeReply | { error: string }>(this.nc, USAGE_SUBJECTS.usageGet, (r) => this.volume(r)),
    );
    this.flushTimer = setInterval(() => void this.flush(), this.config.USAGE_FLUSH_MS);
    this.announceTimer = setInterval(() => this.reannounce(), 30_000);
    // Tenants with a quota are re-read even when no batch comes: an exceeded tenant sends none
    // (the gateway refuses it), yet must learn at once that its quota was raised.
    this.settingsTimer = setInterval(() => this.refreshQuotaHolders(), this.config.QUOTA_SETTINGS_TTL_MS);
    this.flushTimer.unref();
    this.announceTimer.unref();
    this.settingsTimer.unref();
  }

  /** Called by the router after its consumer stopped, while NATS and PostgreSQL are still up. */
  async shutdown(): Promise<void> {
    for (const s of this.subscriptions) s.unsubscribe();
    clearInterval(this.flushTimer);
    clearInterval(this.announceTimer);
    clearInterval(this.settingsTimer);
    await this.flush();
  }

  /**
   * Bytes the tenant may still take today (Infinity: no quota). The first call for a tenant
   * waits for its settings (bounded); later calls never wait.
   */
  async remaining(tenant: string): Promise<number> {
    const q = await this.quota(tenant);
    return quotaRemaining(q.limitBytes, q.ledger);
  }

  /** Count a routed batch. */
  record(tenant: string, tallies: Map<string, AppTally>, keptBytes: number, at = Date.now()): void {
    const day = utcDay(at);
    this.tracker.add(tenant, day, tallies);
    const totals = emptyTally();
    for (const t of tallies.values()) addTally(totals, t);
    routedLines.inc({ outcome: 'kept' }, totals.kept);
    if (totals.excluded) routedLines.inc({ outcome: 'excluded' }, totals.excluded);
    if (totals.sampled) routedLines.inc({ outcome: 'sampled' }, totals.sampled);
    if (totals.overQuota) routedLines.inc({ outcome: 'over_quota' }, totals.overQuota);
    if (totals.noIndex) routedLines.inc({ outcome: 'no_index' }, totals.noIndex);
    const q = this.quotas.get(tenant);
    if (q) {
      this.rollDay(q, day);
      q.ledger.localBytes += keptBytes;
      this.announce(tenant, q);
    }
  }

  private async quota(tenant: string): Promise<TenantQuota> {
    const q = this.quotas.get(tenant);
    if (q) {
      this.rollDay(q, utcDay(Date.now()));
      if (Date.now() - q.fetchedAt > this.config.QUOTA_SETTINGS_TTL_MS && !q.refreshing) {
        q.refreshing = this.refreshLimit(tenant, q).finally(() => (q.refreshing = undefined));
      }
      return q;
    }
    let pending = this.loading.get(tenant);
    if (!pending) {
      pending = this.load(tenant).finally(() => this.loading.delete(tenant));
      this.loading.set(tenant, pending);
    }
    return pending;
  }

  private refreshQuotaHolders(): void {
    for (const [tenant, q] of this.quotas) {
      if (q.limitBytes > 0 && !q.refreshing && Date.now() - q.fetchedAt >= this.config.QUOTA_SETTINGS_TTL_MS) {
        q.refreshing = this.refreshLimit(tenant, q).finally(() => (q.refreshing = undefined));
      }
    }
  }

  private async load(tenant: string): Promise<TenantQuota> {
    const day = utcDay(Date.now());
    const q: TenantQuota = { limitBytes: 0, fetchedAt: 0, ledger: { day, persistedBytes: 0, localBytes: 0 } };
    await Promise.all([
      this.refreshLimit(tenant, q),
      this.persistedTotals([tenant], day).then((m) => (q.ledger.persistedBytes = m.get(tenant) ?? 0)).catch(() => undefined),
    ]);
    this.quotas.set(tenant, q);
    this.announce(tenant, q);
    return q;
  }

  private async refreshLimit(tenant: string, q: TenantQuota): Promise<void> {
    try {
      const reply = await askNest<OrgSettingsReply>(this.nc, AUTH_SUBJECTS.orgSettings, { tenant }, 2000);
      q.limitBytes = reply.found ? Math.max(0, Number(reply.settings.dailyQuotaBytes) || 0) : 0;
      q.fetchedAt = Date.now();
      this.announce(tenant, q);
    } catch (error) {
      // Auth away: keep the last limit known (none at first) and ask again in a few seconds.
      q.fetchedAt = Date.now() - this.config.QUOTA_SETTINGS_TTL_MS + Math.min(5000, this.config.QUOTA_SETTINGS_TTL_MS);
      this.logger.warn(`cannot read the settings of ${tenant}: ${(error as Error).message}; keeping the last quota known`);
    }
  }

  private rollDay(q: TenantQuota, day: string): void {
    if (q.ledger.day === day) return;
    q.ledger = { day, persistedBytes: 0, localBytes: 0 };
  }

  private stateOf(tenant: string, q: TenantQuota): QuotaState {
    const used = q.ledger.persistedBytes + q.ledger.localBytes;
    return {
      tenant,
      exceeded: q.limitBytes > 0 && used >= q.limitBytes,
      usedBytes: used,
      limitBytes: q.limitBytes,
      resetAt: nextUtcMidnight(Date.parse(`${q.ledger.day}T00:00:00Z`)),
    };
  }

  /** Broadcast the tenant's state when it differs from what was last announced. */
  private announce(tenant: string, q: TenantQuota): void {
    const state = this.stateOf(tenant, q);
    const last = q.announced;
    if (last && last.exceeded === state.exceeded && last.limitBytes === state.limitBytes) return;
    // A tenant never over quota needs no announcement until it has a quota.
    if (!last && !state.exceeded && state.limitBytes === 0) {
      q.announced = { exceeded: false, limitBytes: 0 };
      return;
    }
    q.announced = { exceeded: state.exceeded, limitBytes: state.limitBytes };
    publishJson(this.nc, USAGE_SUBJECTS.quotaState, state);
    quotaBroadcasts.inc({ state: state.exceeded ? 'exceeded' : 'ok' });
    if (state.exceeded) this.logger.log(`${tenant} is over its daily quota (${state.usedBytes} of ${state.limitBytes} bytes)`);
  }

  private reannounce(): void {
    const today = utcDay(Date.now());
    for (const [tenant, q] of this.quotas) {
      this.rollDay(q, today);
      const state = this.stateOf(tenant, q);
      if (state.exceeded) publishJson(this.nc, USAGE_SUBJECTS.quotaState, state);
      else this.announce(tenant, q); // a new day resets an exceeded tenant
    }
  }

  /** Upsert what was counted since the last flush; refresh the persisted totals it touched. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const rows = this.tracker.take();
    if (rows.length === 0) return;
    try {
      await this.upsert(rows);
      usageFlushes.inc({ outcome: 'ok' });
    } catch (error) {
      this.tracker.restore(rows);
      usageFlushes.inc({ outcome: 'failed' });
      this.logger.warn(`usage flush failed, kept for the next one: ${(error as Error).message}`);
      return;
    }
    // What this replica counted is now in PostgreSQL: move it from local to persisted.
    const byTenantDay = new Map<string, number>();
    for (const r of rows) byTenantDay.set(`${r.tenant}\u0000${r.day}`, (byTenantDay.get(`${r.tenant}\u0000${r.day}`) ?? 0) + r.keptBytes);
    const today = utcDay(Date.now());
    const tenants = [...new Set(rows.filter((r) => r.day === today).map((r) => r.tenant))].filter((t) => this.quotas.has(t));
    let totals = new Map<string, number>();
    try {
      totals = await this.persistedTotals(tenants, today);
    } catch {
      /* keep counting locally */
    }
    for (const tenant of tenants) {
      const q = this.quotas.get(tenant)!;
      this.rollDay(q, today);
      q.ledger.localBytes = Math.max(0, q.ledger.localBytes - (byTenantDay.get(`${tenant}\u0000${today}`) ?? 0));
      if (totals.has(tenant)) q.ledger.persistedBytes = totals.get(tenant)!;
      else q.ledger.persistedBytes += byTenantDay.get(`${tenant}\u0000${today}`) ?? 0;
      this.announce(tenant, q);
    }
  }

  private async upsert(rows: UsageRow[]): Promise<void> {
    const cols = ['tenant', 'day', 'app', ...COLUMNS];
    const params: unknown[] = [
      rows.map((r) => r.tenant), rows.map((r) => r.day), rows.map((r) => r.app),
      ...FIELDS.map((f) => rows.map((r) => r[f])),
    ];
    const casts = ['text[]', 'date[]', 'text[]', ...COLUMNS.map(() => 'bigint[]')];
    await this.db.query(
      `INSERT INTO usage_daily (${cols.join(', ')})
       SELECT * FROM unnest(${casts.map((c, i) => `$${i + 1}::${c}`).join(', ')})
       ON CONFLICT (tenant, day, app) DO UPDATE SET
       ${COLUMNS.map((c) => `${c} = usage_daily.${c} + EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
      params,
    );
  }

  private async persistedTotals(tenants: string[], day: string): Promise<Map<string, number>> {
    if (tenants.length === 0) return new Map();
    const result = (await this.db.query('SELECT tenant, sum(kept_bytes)::text AS bytes FROM usage_daily WHERE day = $1 AND tenant = ANY($2) GROUP BY tenant', [day, tenants])) as Array<{ tenant: string; bytes: string }>;
    return new Map(result.map((r) => [r.tenant, Number(r.bytes)]));
  }

  /** A day's volume of a tenant by app, from PostgreSQL plus what is not flushed yet. */
  async volume(request: VolumeRequest): Promise<VolumeReply | { error: string }> {
    const tenant = request?.tenant;
    if (!tenant || !isTenantId(tenant)) return { error: 'tenant is required' };
    const day = request.day ?? utcDay(Date.now());
    if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return { error: 'day must be YYYY-MM-DD' };
    const rows = (await this.db.query(
      `SELECT app, ${COLUMNS.map((c) => `${c}::text`).join(', ')} FROM usage_daily WHERE tenant = $1 AND day = $2`,
      [tenant, day],
    )) as Array<Record<string, string>>;
    const byApp = new Map<string, AppTally>();
    for (const row of rows) {
      const t = emptyTally();
      COLUMNS.forEach((c, i) => (t[FIELDS[i]] = Number(row[c])));
      byApp.set(row.app, t);
    }
    for (const p of this.tracker.pendingFor(tenant, day)) {
      let t = byApp.get(p.app);
      if (!t) byApp.set(p.app, (t = emptyTally()));
      addTally(t, p);
    }
    const totals = emptyTally();
    for (const t of byApp.values()) addTally(totals, t);
    const apps = [...byApp].map(([app, t]) => ({ app, ...t })).sort((a, b) => b.keptBytes - a.keptBytes || a.app.localeCompare(b.app));
    return { tenant, day, apps, totals, quota: this.stateOf(tenant, await this.quota(tenant)) };
  }
}
