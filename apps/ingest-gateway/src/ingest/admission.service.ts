import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { AUTH_SUBJECTS, USAGE_SUBJECTS, type QuotaState } from '@millrace/log-schema';
import { AUTH_CLIENT, type OrgSettingsReply } from '@millrace/auth-token';
import { NATS_CONNECTION, SHARED_LIMITS, SharedTokenBuckets, type NatsConnection, type SharedLimitsStore } from '@millrace/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Why a tenant's lines cannot be taken right now, and for how long. */
export interface Refusal {
  reason: 'rate_limited' | 'quota_exceeded';
  retryAfterMs: number;
  message: string;
}

interface SettingsEntry {
  rate: number;
  fetchedAt: number;
  refreshing?: Promise<void>;
}

interface QuotaEntry {
  state?: QuotaState;
  fetchedAt: number;
  asking?: Promise<void>;
}

const SETTINGS_TIMEOUT_MS = 1_000;
const SETTINGS_RETRY_MS = 5_000;
const QUOTA_TIMEOUT_MS = 500;
/** Re-ask the broker-router now and then in case a broadcast was missed (e.g. while disconnected). */
const QUOTA_REFRESH_MS = 60_000;
const MAX_TENANTS = 100_000;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Admission before publishing: the tenant's ingest rate limit (org setting `ingestRateLimit`,
 * lines/s, from `auth.orgs.settings`, cached ORG_SETTINGS_CACHE_MS, a token bucket per tenant
 * shared by every gateway replica through JetStream KV) and its daily quota (the broker-router's `QuotaState`, broadcast on
 * `usage.quota.state` and asked on `usage.quota.get`). Nothing here ever blocks ingestion when
 * the owner of a setting cannot be reached: unknown settings mean no limit, an unanswered
 * quota question means not over quota.
 */
@Injectable()
export class AdmissionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Admission');
  private readonly settings = new Map<string, SettingsEntry>();
  private readonly quotas = new Map<string, QuotaEntry>();
  private readonly buckets: SharedTokenBuckets;
  private lastUnavailableLog = 0;
  private subscription?: { unsubscribe(): void };

  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: ClientProxy,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(SHARED_LIMITS) limits: SharedLimitsStore,
  ) {
    this.buckets = new SharedTokenBuckets(config.RATE_LIMIT_SHARED ? limits : undefined, {
      burstSeconds: config.RATE_LIMIT_BURST_SECONDS,
      syncMs: config.RATE_LIMIT_SYNC_MS,
      onUnavailable: (error) => {
        if (Date.now() - this.lastUnavailableLog < 30_000) return;
        this.lastUnavailableLog = Date.now();
        this.logger.warn(`${error.message}: rate limits are counted by this replica alone until they answer`);
      },
    });
  }

  onModuleInit(): void {
    this.subscription = this.nc.subscribe(USAGE_SUBJECTS.quotaState, {
      callback: (error, msg) => {
        if (error) return;
        const state = parseQuotaState(msg.data);
        if (state) this.setQuota(state.tenant, state);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.buckets.close().catch(() => undefined);
  }

  /**
   * Check (and, when `lines` > 0, take from the rate budget) before publishing. Usually
   * synchronous work behind a resolved promise: settings and quota states are cached; only a
   * tenant's first request waits for them (bounded by short timeouts).
   */
  async admit(tenant: string, lines: number): Promise<Refusal | undefined> {
    const now = Date.now();
    const quota = await this.quotaOf(tenant, now);
    if (quota?.exceeded && quota.resetAt > now) {
      return {
        reason: 'quota_exceeded',
        retryAfterMs: quota.resetAt - now,
        message: `the organisation's daily volume quota is used up (${quota.usedBytes} of ${quota.limitBytes} bytes); it resets at ${new Date(quota.resetAt).toISOString()}`,
      };
    }
    const rate = await this.rateOf(tenant, now);
    if (rate <= 0) return undefined;
    const wait = lines > 0 ? await this.buckets.take(tenant, rate, lines) : await this.buckets.waitMs(tenant, rate);
    if (wait > 0) {
      return { reason: 'rate_limited', retryAfterMs: wait, message: `the organisation's ingest rate limit of ${rate} lines/s is exceeded` };
    }
    return undefined;
  }

  /** Record a quota state (from the broadcast, an answer, or a test). */
  setQuota(tenant: string, state: QuotaState): void {
    if (this.quotas.size >= MAX_TENANTS && !this.quotas.has(tenant)) this.quotas.delete(this.quotas.keys().next().value as string);
    this.quotas.set(tenant, { state, fetchedAt: Date.now() });
  }

  private async quotaOf(tenant: string, now: number): Promise<QuotaState | undefined> {
    let entry = this.quotas.get(tenant);
    if (entry === undefined) {
      entry = { fetchedAt: now };
      this.quotas.set(tenant, entry);
      entry.asking = this.askQuota(tenant, entry);
      await entry.asking;
    } else if (entry.asking) {
      await entry.asking;
    } else if (now - entry.fetchedAt > QUOTA_REFRESH_MS) {
      entry.fetchedAt = now;
      entry.asking = this.askQuota(tenant, entry); // in the background: keep answering from what we know
    }
    return this.quotas.get(tenant)?.state;
  }

  private async askQuota(tenant: string, entry: QuotaEntry): Promise<void> {
    try {
      const reply = await this.nc.request(USAGE_SUBJECTS.quotaGet, encoder.encode(JSON.stringify({ tenant })), { timeout: QUOTA_TIMEOUT_MS });
      const state = parseQuotaState(reply.data);
      // A broadcast that arrived meanwhile is newer than this answer.
      if (state && state.tenant === tenant && this.quotas.get(tenant) === entry) entry.state = state;
    } catch {
      // Nobody answers (no broker-router yet, or it is busy): the tenant is treated as within its quota.
    } finally {
      entry.asking = undefined;
    }
  }

  private async rateOf(tenant: string, now: number): Promise<number> {
    let entry = this.settings.get(tenant);
    if (entry === undefined) {
      if (this.settings.size >= MAX_TENANTS) this.settings.delete(this.settings.keys().next().value as string);
      entry = { rate: 0, fetchedAt: 0 };
      this.settings.set(tenant, entry);
      entry.refreshing = this.fetchSettings(tenant, entry);
      await entry.refreshing;
    } else if (entry.refreshing && entry.fetchedAt === 0) {
      await entry.refreshing;
    } else if (!entry.refreshing && now - entry.fetchedAt > this.config.ORG_SETTINGS_CACHE_MS) {
      entry.refreshing = this.fetchSettings(tenant, entry); // stale: serve the last value meanwhile
    }
    return entry.rate;
  }

  private async fetchSettings(tenant: string, entry: SettingsEntry): Promise<void> {
    try {
      const reply = await firstValueFrom(this.auth.send<OrgSettingsReply>(AUTH_SUBJECTS.orgSettings, { tenant }).pipe(timeout(SETTINGS_TIMEOUT_MS)));
      entry.rate = reply.found ? Math.max(0, Number(reply.settings.ingestRateLimit) || 0) : 0;
      entry.fetchedAt = Date.now();
    } catch (error) {
      this.logger.warn(`cannot read the settings of ${tenant}: ${(error as Error).message}; keeping ${entry.rate || 'no'} rate limit for now`);
      // Try again soon rather than after the whole cache period.
      entry.fetchedAt = Math.max(1, Date.now() - this.config.ORG_SETTINGS_CACHE_MS + SETTINGS_RETRY_MS);
    } finally {
      entry.refreshing = undefined;
    }
  }
}

/** A `QuotaState`, plain or inside a NestJS envelope (`{data}` of an emit, `{response}` of a reply). */
export function parseQuotaState(data: Uint8Array): QuotaState | undefined {
  try {
    const raw = JSON.parse(decoder.decode(data)) as Record<string, unknown>;
    const value = (raw?.response ?? raw?.data ?? raw) as Partial<QuotaState>;
    if (typeof value?.tenant !== 'string' || typeof value.exceeded !== 'boolean') return undefined;
    return {
      tenant: value.tenant,
      exceeded: value.exceeded,
      usedBytes: Number(value.usedBytes) || 0,
      limitBytes: Number(value.limitBytes) || 0,
      resetAt: Number(value.resetAt) || 0,
    };
  } catch {
    return undefined;
  }
}
