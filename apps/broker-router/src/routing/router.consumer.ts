import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { STREAMS, decodeRawBatch, encodeMessage, parseSubject, type RawBatch } from '@millrace/log-schema';
import { BatchConsumer, JETSTREAM, JETSTREAM_MANAGER, type JetStreamClient, type JetStreamManager } from '@millrace/messaging';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { DrainManager } from '../drains/drain-manager';
import { UsageService } from '../usage/usage.service';
import { routeBatch } from './route-batch';
import { RoutingRulesFeed } from './rules.feed';

/**
 * INGEST → PARSE. Per batch: apply the tenant's exclusion and sampling rules and daily quota,
 * publish what is left to PARSE, then count it and hand it to the tenant's drains. Acks a raw
 * batch only after PARSE stored what it routed; drains never make it wait.
 */
@Injectable()
export class RouterConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Router');
  private consumer?: BatchConsumer<RawBatch>;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    private readonly rules: RoutingRulesFeed,
    private readonly usage: UsageService,
    private readonly drains: DrainManager,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new BatchConsumer<RawBatch>({
      js: this.js,
      jsm: this.jsm,
      stream: STREAMS.INGEST,
      durable: 'broker-router',
      stage: 'route',
      decode: decodeRawBatch,
      handle: (batch, msg) => this.route(batch, msg.data),
      concurrency: this.config.ROUTER_CONCURRENCY,
      maxDeliver: this.config.ROUTER_MAX_DELIVER,
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop(this.config.SHUTDOWN_TIMEOUT_MS);
    // Before NATS and PostgreSQL close (onApplicationShutdown): last counts, last deliveries.
    await Promise.all([this.usage.shutdown(), this.drains.shutdown()]);
  }

  /** `data` is the message as received: a batch routing leaves unchanged is passed on as these bytes. */
  private async route(batch: RawBatch, data: Uint8Array): Promise<void> {
    const quotaRemaining = await this.usage.remaining(batch.tenant);
    const result = routeBatch(batch, { rules: this.rules.get(batch.tenant), quotaRemaining });
    let duplicate = false;
    if (result.batch) {
      // Same batch id downstream: a redelivered INGEST message is deduplicated by PARSE.
      const payload = result.batch === batch ? data : encodeMessage(result.batch);
      const ack = await this.js.publish(parseSubject(result.batch.tenant), payload, {
        msgID: result.batch.batchId,
        expect: { streamName: STREAMS.PARSE },
      });
      duplicate = ack.duplicate;
    }
    // A batch PARSE already had was counted and drained the first time round.
    if (duplicate) return;
    this.usage.record(batch.tenant, result.tally, result.keptBytes);
    if (result.batch) this.drains.offer(result.batch);
  }
}
