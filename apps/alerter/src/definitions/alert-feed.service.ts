import { Inject, Injectable, Logger } from '@nestjs/common';
import { configGetSubject } from '@millrace/log-schema';
import { ConfigFeed, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { compileTenant, type CompiledAlert, type TenantAlerts } from './compile';
import type { AlertDefinition } from './alert-definition';
import { activeAlerts } from '../metrics';

/**
 * The alerter's live copy of every tenant's alert definitions, from the query-api over the
 * `alerts` configuration feed: loaded at start, reloaded for a tenant as soon as the query-api
 * announces a change, and in full every 30 s in case a notice was missed.
 */
@Injectable()
export class AlertFeed {
  private readonly logger = new Logger('AlertFeed');
  private readonly feed: ConfigFeed<AlertDefinition, TenantAlerts>;
  private readonly tenants = new Set<string>();
  private readonly listeners: Array<(tenant: string, alerts: TenantAlerts) => void> = [];

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.feed = new ConfigFeed<AlertDefinition, TenantAlerts>({
      nc,
      kind: 'alerts',
      refreshMs: 30_000,
      compile: (items, tenant) => {
        const compiled = compileTenant(items, tenant, (message) => this.logger.warn(message));
        this.tenants.add(tenant);
        for (const listener of this.listeners) listener(tenant, compiled);
        queueMicrotask(() => this.countActive());
        return compiled;
      },
    });
  }

  /** Called with a tenant's alerts whenever they are (re)loaded. */
  onChange(listener: (tenant: string, alerts: TenantAlerts) => void): void {
    this.listeners.push(listener);
  }

  get ready(): boolean {
    return this.feed.ready;
  }

  async start(): Promise<void> {
    await this.feed.start();
  }

  /** Reload one tenant now (before concluding that an alert no longer exists). */
  async reload(tenant: string): Promise<void> {
    await this.feed.reload(tenant);
  }

  /**
   * The alert, asking the query-api again if this copy does not know it (yet): undefined only
   * when the query-api answered that it does not exist. Throws when the query-api cannot be
   * asked, so nothing is dropped because of an outage.
   */
  async findFresh(tenant: string, alertId: string): Promise<CompiledAlert | undefined> {
    const known = this.find(tenant, alertId);
    if (known) return known;
    const reply = await this.nc.request(configGetSubject('alerts'), new TextEncoder().encode(JSON.stringify({ tenant })), { timeout: 3000 });
    const items = (JSON.parse(new TextDecoder().decode(reply.data)) as { items: Array<{ id?: string }> }).items ?? [];
    if (!items.some((i) => i.id === alertId)) return undefined;
    await this.reload(tenant);
    return this.find(tenant, alertId) ?? compileTenant(items, tenant, () => undefined).byId.get(alertId);
  }

  async reloadAll(): Promise<void> {
    await this.feed.reloadAll();
  }

  stop(): void {
    this.feed.stop();
  }

  stream(tenant: string): CompiledAlert[] {
    return this.feed.get(tenant)?.stream ?? [];
  }

  find(tenant: string, alertId: string): CompiledAlert | undefined {
    return this.feed.get(tenant)?.byId.get(alertId);
  }

  /** Every tenant's alerts that are currently known. */
  *all(): Iterable<CompiledAlert> {
    for (const tenant of this.tenants) {
      const alerts = this.feed.get(tenant);
      if (!alerts) continue;
      yield* alerts.byId.values();
    }
  }

  private countActive(): void {
    const counts = { presence: 0, absence: 0, threshold: 0 };
    for (const a of this.all()) if (a.def.enabled) counts[a.def.kind]++;
    for (const [kind, n] of Object.entries(counts)) activeAlerts.set({ kind }, n);
  }
}
