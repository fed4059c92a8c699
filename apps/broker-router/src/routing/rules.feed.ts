import { Inject, Injectable, Logger, type OnModuleInit, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigFeed, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { compileRules, type CompiledRules, type RoutingRuleItem } from './rules';

/**
 * Every tenant's routing rules, from the query-api over the `routing-rules` configuration feed:
 * reloaded for a tenant as soon as a change is announced, in full every 30 s.
 */
@Injectable()
export class RoutingRulesFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RoutingRules');
  private readonly feed: ConfigFeed<RoutingRuleItem, CompiledRules>;

  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection) {
    this.feed = new ConfigFeed<RoutingRuleItem, CompiledRules>({
      nc,
      kind: 'routing-rules',
      compile: (items, tenant) => {
        const compiled = compileRules(items);
        for (const s of compiled.skipped) this.logger.warn(`${tenant}: rule ${s.id} skipped: ${s.reason}`);
        return compiled;
      },
    });
  }

  /** Loaded in onModuleInit, so the rules are there before the consumer starts (onApplicationBootstrap). */
  async onModuleInit(): Promise<void> {
    await this.feed.start();
    // The query-api may start after the router: until a first full load succeeds, retry every
    // 2 s rather than waiting for the feed's 30 s refresh.
    const retry = setInterval(() => {
      if (this.feed.ready) clearInterval(retry);
      else void this.feed.reloadAll();
    }, 2000);
    retry.unref();
  }

  onApplicationShutdown(): void {
    this.feed.stop();
  }

  get(tenant: string): CompiledRules | undefined {
    return this.feed.get(tenant);
  }
}
