import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { AUTH_SUBJECTS } from '@millrace/log-schema';
import { AUTH_CLIENT } from './key-verifier';
import type { OrgSettings, OrgSettingsReply } from './principal';

const FRESH_MS = 30_000;
const REQUEST_TIMEOUT_MS = 2_000;
const MAX_ENTRIES = 100_000;

interface Entry {
  settings: OrgSettings | undefined;
  fetchedAt: number;
}

/**
 * Organisation settings (retention class, quota, rate limit) for the services that enforce
 * them, asked of the auth service over NATS and cached for 30 seconds. When auth cannot be
 * reached the last known settings stay in force; a tenant never seen resolves to undefined and
 * the caller applies its defaults.
 */
@Injectable()
export class OrgSettingsClient {
  private readonly logger = new Logger('OrgSettings');
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(@Inject(AUTH_CLIENT) private readonly client: ClientProxy) {}

  /** The cached settings, without waiting; starts a refresh when they are stale. */
  peek(tenant: string): OrgSettings | undefined {
    const entry = this.cache.get(tenant);
    if (!entry || Date.now() - entry.fetchedAt > FRESH_MS) void this.refresh(tenant);
    return entry?.settings;
  }

  /** Settings of a tenant, fetched when not cached or stale. */
  async get(tenant: string): Promise<OrgSettings | undefined> {
    const entry = this.cache.get(tenant);
    if (!entry || Date.now() - entry.fetchedAt > FRESH_MS) await this.refresh(tenant);
    return this.cache.get(tenant)?.settings;
  }

  /** Make sure every tenant of a batch is cached (one round trip per unknown tenant, in parallel). */
  async prefetch(tenants: Iterable<string>): Promise<void> {
    const missing = [...new Set(tenants)].filter((t) => {
      const entry = this.cache.get(t);
      return !entry || Date.now() - entry.fetchedAt > FRESH_MS;
    });
    await Promise.all(missing.map((t) => this.refresh(t)));
  }

  private refresh(tenant: string): Promise<void> {
    let running = this.pending.get(tenant);
    if (!running) {
      running = this.fetch(tenant).finally(() => this.pending.delete(tenant));
      this.pending.set(tenant, running);
    }
    return running;
  }

  private async fetch(tenant: string): Promise<void> {
    try {
      const reply = await firstValueFrom(this.client.send<OrgSettingsReply>(AUTH_SUBJECTS.orgSettings, { tenant }).pipe(timeout(REQUEST_TIMEOUT_MS)));
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(tenant, { settings: reply.found ? reply.settings : undefined, fetchedAt: Date.now() });
    } catch (error) {
      // Keep what we had; try again on the next lookup.
      this.logger.warn(`settings of ${tenant} unavailable: ${(error as Error).message}`);
      const entry = this.cache.get(tenant);
      if (entry) entry.fetchedAt = Date.now() - FRESH_MS + 5_000;
    }
  }
}
