import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { STREAMS, decodeRawBatch, encodeEventBatch, eventsSubject, type EventBatch, type RawBatch } from '@millrace/log-schema';
import { BatchConsumer, JETSTREAM, JETSTREAM_MANAGER, type JetStreamClient, type JetStreamManager } from '@millrace/messaging';
import { PARSER_CONFIG, type ParserConfig } from '../config';
import { parseBatch } from '../parsing';
import { TenantConfigService } from '../tenant-config/tenant-config.service';

/** PARSE → EVENTS. The parsing itself is pure; this class only moves batches and settles them. */
@Injectable()
export class ParserConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Parser');
  private consumer?: BatchConsumer<RawBatch>;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(PARSER_CONFIG) private readonly config: ParserConfig,
    private readonly tenants: TenantConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new BatchConsumer<RawBatch>({
      js: this.js,
      jsm: this.jsm,
      stream: STREAMS.PARSE,
      durable: 'parser-worker',
      stage: 'parse',
      decode: decodeRawBatch,
      handle: (batch) => this.parse(batch),
      concurrency: this.config.PARSER_CONCURRENCY,
      maxDeliver: this.config.PARSER_MAX_DELIVER,
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop(this.config.SHUTDOWN_TIMEOUT_MS);
  }

  private async parse(batch: RawBatch): Promise<void> {
    const { events, stats } = parseBatch(batch, {
      rules: this.tenants.rulesOf(batch.tenant),
      redaction: this.tenants.redactionOf(batch.tenant),
    });
    this.tenants.record(batch.tenant, stats);
    const out: EventBatch = { v: 1, tenant: batch.tenant, batchId: batch.batchId, events };
    await this.js.publish(eventsSubject(batch.tenant), encodeEventBatch(out), {
      msgID: batch.batchId,
      expect: { streamName: STREAMS.EVENTS },
    });
  }
}
