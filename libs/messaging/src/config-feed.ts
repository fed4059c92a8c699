import { Logger } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { configChangedSubject, configGetSubject, type ConfigKind } from '@millrace/log-schema';

/** Every config item carries its tenant; the feed groups items by it. */
export interface TenantScoped {
  tenant: string;
}

/** Request of `config.<kind>.get`: one tenant's items, or every tenant's when omitted. */
export interface ConfigGetRequest {
  tenant?: string;
}
export interface ConfigGetReply<T> {
  items: T[];
}
/** Message of `config.<kind>.changed`. */
export interface ConfigChangedEvent {
  tenant: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface ConfigFeedOptions<T, C> {
  nc: NatsConnection;
  kind: ConfigKind;
  /** Turn raw items into what the worker uses (e.g. compiled rules). Runs once per change. */
  compile: (items: T[], tenant: string) => C;
  /** Safety net: full reload every this many ms, in case a change notice was missed. */
  refreshMs?: number;
  requestTimeoutMs?: number;
}

/**
 * A worker's live copy of one kind of tenant configuration. Loads everything at start, reloads
 * a tenant as soon as its change is announced and everything periodically; while the owner is
 * unreachable it keeps serving the last copy it had.
 */
export class ConfigFeed<T extends TenantScoped, C> {
  private readonly logger: Logger;
  private readonly byTenant = new Map<string, C>();
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private loaded = false;

  constructor(private readonly options: ConfigFeedOptions<T, C>) {
    this.logger = new Logger(`ConfigFeed:${options.kind}`);
  }

  /** Compiled configuration of a tenant, or undefined when it has none. */
  get(tenant: string): C | undefined {
    return this.byTenant.get(tenant);
  }

  get ready(): boolean {
    return this.loaded;
  }

  async start(): Promise<void> {
    this.subscription = this.options.nc.subscribe(configChangedSubject(this.options.kind), {
      callback: (error, msg) => {
        if (error) return;
        try {
          const { tenant } = JSON.parse(decoder.decode(msg.data)) as ConfigChangedEvent;
          if (typeof tenant === 'string') void this.reload(tenant);
        } catch {
          this.logger.warn('ignored a malformed change notice');
        }
      },
    });
    await this.reloadAll();
    this.timer = setInterval(() => void this.reloadAll(), this.options.refreshMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    this.subscription?.unsubscribe();
    if (this.timer) clearInterval(this.timer);
  }

  private async fetch(request: ConfigGetRequest): Promise<T[] | undefined> {
    try {
      const reply = await this.options.nc.request(configGetSubject(this.options.kind), encoder.encode(JSON.stringify(request)), {
        timeout: this.options.requestTimeoutMs ?? 3000,
      });
      return (JSON.parse(decoder.decode(reply.data)) as ConfigGetReply<T>).items;
    } catch (error) {
      this.logger.warn(`cannot load ${this.options.kind}${request.tenant ? ` of ${request.tenant}` : ''}: ${(error as Error).message}; keeping the last copy`);
      return undefined;
    }
  }

  async reload(tenant: string): Promise<void> {
    const items = await this.fetch({ tenant });
    if (items) this.install(tenant, items.filter((i) => i.tenant === tenant));
  }

  async reloadAll(): Promise<void> {
    const items = await this.fetch({});
    if (!items) return;
    const grouped = new Map<string, T[]>();
    for (const item of items) grouped.set(item.tenant, [...(grouped.get(item.tenant) ?? []), item]);
    for (const tenant of this.byTenant.keys()) if (!grouped.has(tenant)) this.byTenant.delete(tenant);
    for (const [tenant, list] of grouped) this.install(tenant, list);
    this.loaded = true;
  }

  private install(tenant: string, items: T[]): void {
    if (items.length === 0) this.byTenant.delete(tenant);
    else this.byTenant.set(tenant, this.options.compile(items, tenant));
  }
}

/**
 * The owner's side: answer `config.<kind>.get` from `load` and announce changes. Used by the
 * query-api, which stores every kind of tenant configuration.
 */
export class ConfigPublisher<T> {
  private subscription?: Subscription;

  constructor(
    private readonly nc: NatsConnection,
    private readonly kind: ConfigKind,
    private readonly load: (tenant: string | undefined) => Promise<T[]>,
  ) {}

  start(): void {
    this.subscription = this.nc.subscribe(configGetSubject(this.kind), {
      queue: `config-${this.kind}`,
      callback: (error, msg) => {
        if (error) return;
        void (async () => {
          let request: ConfigGetRequest = {};
          try {
            request = JSON.parse(decoder.decode(msg.data)) as ConfigGetRequest;
          } catch {
            /* treat as "everything" */
          }
          const items = await this.load(typeof request.tenant === 'string' ? request.tenant : undefined);
          msg.respond(encoder.encode(JSON.stringify({ items } satisfies ConfigGetReply<T>)));
        })().catch(() => undefined);
      },
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  /** Tell every worker to reload this tenant's configuration of this kind now. */
  changed(tenant: string): void {
    this.nc.publish(configChangedSubject(this.kind), encoder.encode(JSON.stringify({ tenant } satisfies ConfigChangedEvent)));
  }
}
