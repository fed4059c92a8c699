import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  encodeMessage, ingestSubject, newBatchId, splitIntoBatches, STREAMS,
  type BatchSource, type RawBatch, type RawLine,
} from '@millrace/log-schema';
import { JETSTREAM, NatsStatus, type JetStreamClient } from '@millrace/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { bytesAccepted, linesAccepted, refusals } from './metrics';

export interface IngestOutcome {
  lines: number;
  batches: number;
  batchIds: string[];
  /** Batches the broker had already stored (a retried request with the same Idempotency-Key). */
  duplicates: number;
}

/** The broker could not store every batch: the shipper must retry the whole request. */
export class BrokerUnavailableError extends HttpException {
  constructor(retryAfterSeconds: number, detail: string) {
    super({ message: `the log broker cannot store data right now (${detail}); retry later`, code: 'unavailable', retryAfterSeconds }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/**
 * Splits a request's lines into broker-sized batches and publishes them with bounded
 * concurrency. Resolves only after JetStream acknowledged every batch: that is what a 2xx means.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly nats: NatsStatus,
  ) {}

  async ingest(tenant: string, lines: RawLine[], source: BatchSource, idempotencyKey?: string): Promise<IngestOutcome> {
    if (!this.nats.connected) {
      refusals.inc({ protocol: source.protocol, reason: 'broker_unavailable' });
      throw new BrokerUnavailableError(this.config.RETRY_AFTER_SECONDS, 'broker unreachable');
    }
    const receivedAt = Date.now();
    const chunks = splitIntoBatches(lines);
    // With an Idempotency-Key, batch ids are derived from it so a retried request maps onto the
    // same Nats-Msg-Ids and the stream's duplicate window stores its lines once.
    const idBase = idempotencyKey ? createHash('sha256').update(`${tenant}\0${idempotencyKey}`).digest('hex').slice(0, 26).toUpperCase() : undefined;
    const batches: RawBatch[] = chunks.map((chunk, i) => ({
      v: 1,
      tenant,
      batchId: idBase ? `${idBase}-${i}` : newBatchId(receivedAt),
      receivedAt,
      source,
      lines: chunk,
    }));
    const subject = ingestSubject(tenant);
    let duplicates = 0;
    const publishOne = async (batch: RawBatch) => {
      const ack = await this.js.publish(subject, encodeMessage(batch), { msgID: batch.batchId, expect: { streamName: STREAMS.INGEST }, timeout: this.config.PUBLISH_TIMEOUT_MS });
      if (ack.duplicate) duplicates++;
    };
    try {
      await runBounded(batches, this.config.PUBLISH_CONCURRENCY, publishOne);
    } catch (error) {
      refusals.inc({ protocol: source.protocol, reason: 'broker_unavailable' });
      this.logger.warn(`publish to ${STREAMS.INGEST} failed: ${(error as Error).message}`);
      throw new BrokerUnavailableError(this.config.RETRY_AFTER_SECONDS, brokerProblem(error));
    }
    let bytes = 0;
    for (const line of lines) bytes += line.line.length;
    linesAccepted.inc({ protocol: source.protocol }, lines.length);
    bytesAccepted.inc({ protocol: source.protocol }, bytes);
    return { lines: lines.length, batches: batches.length, batchIds: batches.map((b) => b.batchId), duplicates };
  }
}

function brokerProblem(error: unknown): string {
  const text = String((error as Error)?.message ?? error).toLowerCase();
  if (text.includes('maximum bytes') || text.includes('resources exceeded') || text.includes('storage')) return 'buffer full';
  if (text.includes('timeout')) return 'broker timed out';
  return 'broker unreachable';
}

/** Run `work` over items with at most `limit` promises in flight; rejects on the first failure. */
export async function runBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
