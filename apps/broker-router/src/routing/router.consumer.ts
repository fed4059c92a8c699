import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { STREAMS, decodeRawBatch, encodeMessage, parseSubject, type RawBatch } from '@millrace/log-schema';
import { BatchConsumer, JETSTREAM, JETSTREAM_MANAGER, type JetStreamClient, type JetStreamManager } from '@millrace/messaging';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { routeBatch } from './route-batch';

/** INGEST → PARSE. Acks a raw batch only after PARSE stored what it routed. */
@Injectable()
export class RouterConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Router');
  private consumer?: BatchConsumer<RawBatch>;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new BatchConsumer<RawBatch>({
      js: this.js,
      jsm: this.jsm,
      stream: STREAMS.INGEST,
      durable: 'broker-router',
      stage: 'route',
      decode: decodeRawBatch,
      handle: (batch) => this.route(batch),
      concurrency: this.config.ROUTER_CONCURRENCY,
      maxDeliver: this.config.ROUTER_MAX_DELIVER,
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop(this.config.SHUTDOWN_TIMEOUT_MS);
  }

  private async route(batch: RawBatch): Promise<void> {
    const routed = routeBatch(batch);
    if (!routed) return;
    // Same batch id downstream: a redelivered INGEST message is deduplicated by PARSE.
    await this.js.publish(parseSubject(routed.tenant), encodeMessage(routed), {
      msgID: routed.batchId,
      expect: { streamName: STREAMS.PARSE },
    });
  }
}
