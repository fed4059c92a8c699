import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  encodeMessage, ingestSubject, newBatchId, splitIntoBatches, STREAMS,
  type BatchSource, type RawBatch, type RawLine,
} from '@millrace/log-schema';
import { JETSTREAM, NatsStatus, type JetStreamClient } from '@millrace/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { AdmissionService, type Refusal } from './admission.service';
import { bytesAccepted, linesAccepted, refusals, requestsAccepted } from './metrics';
import { scrubKeys } from './scrub-keys';

export interface IngestOutcome {
  lines: number;
  batches: number;
  batchIds: string[];
  /** Lines in each batch, in order (line i of the request is in the batch whose range holds it). */
  batchSizes: number[];
  /** Batches the broker had already stored (a retried request with the same Idempotency-Key). */
  duplicates: number;
}

/** Per batch: stored or not. Only for callers that can answer per item (Elasticsearch `_bulk`). */
export interface PartialOutcome extends IngestOutcome {
  /** Indices of batches that were not stored. Empty when everything was. */
  failedBatches: number[];
  failure?: BrokerUnavailableError;
}

/** The broker could not store every batch: the shipper must retry the whole request. */
export class BrokerUnavailableError extends HttpException {
  constructor(retryAfterSeconds: number, detail: string, readonly partial = false) {
    super({
      message: partial
        ? `the log broker stored only part of this request (${detail}); retry the whole request with the same Idempotency-Key to store each line once`
        : `the log broker cannot store data right now (${detail}); retry later`,
      code: 'unavailable',
      retryAfterSeconds,
    }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/** The tenant is over its rate limit or daily quota: 429 with Retry-After. */
export class TenantLimitError extends HttpException {
  constructor(readonly refusal: Refusal) {
    super({
      message: refusal.message,
      code: refusal.reason,
      retryAfterSeconds: Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)),
    }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

export interface IngestOptions {
  idempotencyKey?: string;
  /** Lines were already admitted (syslog listeners check admission themselves). */
  admitted?: boolean;
}

const MAX_IDEMPOTENCY_KEY = 256;

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
    private readonly admission: AdmissionService,
  ) {}

  /** Refuse early (before decoding) while the tenant is over a limit or the broker is away. */
  async precheck(tenant: string, protocol: BatchSource['protocol']): Promise<void> {
    this.requireBroker(protocol);
    const refusal = await this.admission.admit(tenant, 0);
    if (refusal) {
      refusals.inc({ protocol, reason: refusal.reason });
      throw new TenantLimitError(refusal);
    }
  }

  /** Every line stored, or an exception (503 broker, 429 tenant limits) and the caller must retry all. */
  async ingest(tenant: string, lines: RawLine[], source: BatchSource, options: IngestOptions | string = {}): Promise<IngestOutcome> {
    const outcome = await this.publish(tenant, lines, source, typeof options === 'string' ? { idempotencyKey: options } : options);
    if (outcome.failure) {
      refusals.inc({ protocol: source.protocol, reason: outcome.failedBatches.length < outcome.batches ? 'partially_stored' : 'broker_unavailable' });
      throw outcome.failure;
    }
    return outcome;
  }

  /** Like `ingest`, but a broker failure is reported per batch instead of thrown (for per-item answers). */
  async ingestPartial(tenant: string, lines: RawLine[], source: BatchSource, options: IngestOptions = {}): Promise<PartialOutcome> {
    const outcome = await this.publish(tenant, lines, source, options);
    if (outcome.failure) refusals.inc({ protocol: source.protocol, reason: outcome.failedBatches.length < outcome.batches ? 'partially_stored' : 'broker_unavailable' });
    return outcome;
  }

  private requireBroker(protocol: BatchSource['protocol']): void {
    if (!this.nats.connected) {
      refusals.inc({ protocol, reason: 'broker_unavailable' });
      throw new BrokerUnavailableError(this.config.RETRY_AFTER_SECONDS, 'broker unreachable');
    }
  }

  private async publish(tenant: string, lines: RawLine[], source: BatchSource, options: IngestOptions): Promise<PartialOutcome> {
    const idempotencyKey = options.idempotencyKey?.trim() || undefined;
    if (idempotencyKey !== undefined && idempotencyKey.length > MAX_IDEMPOTENCY_KEY) {
      throw new HttpException({ message: `Idempotency-Key longer than ${MAX_IDEMPOTENCY_KEY} characters`, code: 'bad_request' }, HttpStatus.BAD_REQUEST);
    }
    if (lines.length === 0) return { lines: 0, batches: 0, batchIds: [], batchSizes: [], duplicates: 0, failedBatches: [] };
    this.requireBroker(source.protocol);
    if (!options.admitted) {
      const refusal = await this.admission.admit(tenant, lines.length);
      if (refusal) {
        refusals.inc({ protocol: source.protocol, reason: refusal.reason });
        throw new TenantLimitError(refusal);
      }
    }
    // Keys a shipper put into its data never reach a stream, an index or an archive.
    scrubKeys(lines, source.protocol);
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
    const stored = new Array<boolean>(batches.length).fill(false);
    const publishOne = async (i: number) => {
      const batch = batches[i];
      const ack = await this.js.publish(subject, encodeMessage(batch), { msgID: batch.batchId, expect: { streamName: STREAMS.INGEST }, timeout: this.config.PUBLISH_TIMEOUT_MS });
      if (ack.duplicate) duplicates++;
      stored[i] = true;
    };
    const outcome: PartialOutcome = {
      lines: lines.length,
      batches: batches.length,
      batchIds: batches.map((b) => b.batchId),
      batchSizes: chunks.map((c) => c.length),
      duplicates,
      failedBatches: [],
    };
    try {
      await runBounded(batches.map((_, i) => i), this.config.PUBLISH_CONCURRENCY, publishOne);
    } catch (error) {
      outcome.failedBatches = stored.flatMap((ok, i) => (ok ? [] : [i]));
      const partial = outcome.failedBatches.length < batches.length;
      this.logger.warn(`publish to ${STREAMS.INGEST} failed (${batches.length - outcome.failedBatches.length}/${batches.length} batches stored): ${(error as Error).message}`);
      outcome.failure = new BrokerUnavailableError(this.config.RETRY_AFTER_SECONDS, brokerProblem(error), partial);
    }
    outcome.duplicates = duplicates;
    let storedLines = 0;
    let bytes = 0;
    for (let b = 0; b < chunks.length; b++) {
      if (!stored[b]) continue;
      storedLines += chunks[b].length;
      for (const l of chunks[b]) bytes += l.line.length;
    }
    if (storedLines > 0) {
      linesAccepted.inc({ protocol: source.protocol }, storedLines);
      bytesAccepted.inc({ protocol: source.protocol }, bytes);
    }
    if (!outcome.failure) requestsAccepted.inc({ protocol: source.protocol });
    return outcome;
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
