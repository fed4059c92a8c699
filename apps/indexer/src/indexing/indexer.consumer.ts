import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import { Counter, register } from 'prom-client';
import { STREAMS, readEventBatch, dlqSubject, encodeMessage, HEADERS, type EventBatch, type WireEventBatch } from '@millrace/log-schema';
import { BatchConsumer, JETSTREAM, JETSTREAM_MANAGER, deadLetters, type JetStreamClient, type JetStreamManager } from '@millrace/messaging';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { INDEXER_CONFIG, type IndexerConfig } from '../config';
import { BackPressureError, BulkWriter } from './bulk-writer';
import { OrgSettingsClient } from '@millrace/auth-token';
import { DEFAULT_RETENTION_CLASS, isRetentionClass } from '@millrace/search-index';
import { ensureTemplates } from './templates';

const documents =
  (register.getSingleMetric('millrace_indexer_documents_total') as Counter) ??
  new Counter({ name: 'millrace_indexer_documents_total', help: 'Documents written, by outcome', labelNames: ['outcome'] });

const backPressure =
  (register.getSingleMetric('millrace_indexer_backpressure_total') as Counter) ??
  new Counter({ name: 'millrace_indexer_backpressure_total', help: 'Bulk writes retried because OpenSearch pushed back or was unreachable' });

/** EVENTS → OpenSearch. A batch is acked only after every document's fate is durable. */
@Injectable()
export class IndexerConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Indexer');
  private consumer?: BatchConsumer<WireEventBatch>;
  private stopping = false;
  private readonly writer: BulkWriter;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(OPENSEARCH_CLIENT) private readonly client: Client,
    @Inject(INDEXER_CONFIG) private readonly config: IndexerConfig,
    private readonly orgs: OrgSettingsClient,
  ) {
    // Each tenant's events go to the indices of its retention class.
    this.writer = new BulkWriter(client, (tenant) => {
      const retention = this.orgs.peek(tenant)?.retentionClass;
      return retention && isRetentionClass(retention) ? retention : DEFAULT_RETENTION_CLASS;
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTemplates(this.client, { shards: this.config.INDEX_SHARDS, replicas: this.config.INDEX_REPLICAS });
    this.consumer = new BatchConsumer<WireEventBatch>({
      js: this.js,
      jsm: this.jsm,
      stream: STREAMS.EVENTS,
      durable: 'indexer',
      stage: 'index',
      decode: readEventBatch,
      handle: (batch) => this.index(batch),
      concurrency: this.config.INDEXER_CONCURRENCY,
      maxDeliver: this.config.INDEXER_MAX_DELIVER,
      backoffMs: [1000, 2000, 5000, 10000, 20000, 30000, 60000],
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer?.stop(this.config.SHUTDOWN_TIMEOUT_MS);
  }

  /**
   * OpenSearch pushing back (429, 5xx, timeouts, node down) slows the indexer instead of
   * spending deliveries: the batch is retried here with growing pauses while it stays ours
   * (the consumer keeps signalling `working()`), and no new batch is pulled meanwhile. Only a
   * shutdown hands it back to the stream.
   */
  private async writeWithBackPressure(batch: WireEventBatch) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writer.write(batch);
      } catch (error) {
        if (!(error instanceof BackPressureError) || this.stopping) throw error;
        backPressure.inc();
        const pause = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        if (attempt % 5 === 0) this.logger.warn(`OpenSearch pushes back (${error.message}); retrying batch ${batch.batchId} in ${pause} ms`);
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  private async index(batch: WireEventBatch): Promise<void> {
    await this.orgs.prefetch([batch.tenant]);
    const outcome = await this.writeWithBackPressure(batch);
    documents.inc({ outcome: 'indexed' }, outcome.indexed);
    if (this.config.INDEXER_FAULT_CRASH_BEFORE_ACK) {
      this.logger.error('fault injection: exiting after the bulk write, before the ack');
      process.exit(70);
    }
    if (outcome.degraded) documents.inc({ outcome: 'degraded' }, outcome.degraded);
    if (outcome.rejected.length === 0) return;
    // Unindexable documents go to the DLQ with OpenSearch's reason; the rest of the batch is done.
    const h = natsHeaders();
    h.set(HEADERS.dlqStage, 'index');
    h.set(HEADERS.dlqReason, outcome.rejected[0].reason.replace(/[\r\n]+/g, ' '));
    const rejectedBatch: EventBatch = { v: 1, tenant: batch.tenant, batchId: batch.batchId, events: outcome.rejected.map((r) => r.event) };
    await this.js.publish(dlqSubject('index', batch.tenant), encodeMessage({ ...rejectedBatch, reasons: outcome.rejected.map((r) => ({ id: r.event.id, reason: r.reason })) }), {
      headers: h,
      msgID: `index:${batch.batchId}`,
    });
    deadLetters.inc({ stage: 'index', reason: 'rejected_document' }, outcome.rejected.length);
    documents.inc({ outcome: 'dead_lettered' }, outcome.rejected.length);
    this.logger.warn(`${outcome.rejected.length} document(s) of batch ${batch.batchId} dead-lettered: ${outcome.rejected[0].reason}`);
  }
}
