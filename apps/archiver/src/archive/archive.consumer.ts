import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { nanos } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, JetStreamApiError, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { STREAMS, decodeEventBatch, tenantOfSubject, PoisonMessageError, type EventBatch } from '@millrace/log-schema';
import {
  JETSTREAM, JETSTREAM_MANAGER, messagesSettled, publishDeadLetter, type JetStreamClient, type JetStreamManager,
} from '@millrace/messaging';
import { ARCHIVER_CONFIG, type ArchiverConfig } from '../config';
import { StoreError } from '../stores/store';
import { Destinations, type TenantArchive } from './destinations';
import { partKeys } from './layout';
import { buildManifest, encodeManifest, sha256Hex } from './manifest';
import {
  archiveBytes, archiveEvents, archiveParts, heldBytes, heldMessages, noArchiveMessages, openParts, uploadFailures, uploadSeconds,
} from './metrics';
import { PartBuffer, SettlementLedger, type Part } from './part-buffer';

/**
 * EVENTS → per tenant-hour parts in the tenants' object stores.
 *
 * Why not BatchConsumer: it settles each message when its handler returns, but an archived
 * message is durable only once the part holding its lines (filled from many messages over up to
 * ARCHIVE_PART_MAX_AGE_MS) was uploaded and verified. So this consumer holds the JsMsg handles
 * of every buffered line, un-acked, and settles them per part (SettlementLedger):
 * - ack_wait (ARCHIVE_ACK_WAIT_MS, default 5 min) is longer than a part's age plus its upload, so
 *   a held message is not redelivered in normal operation; messages held longer (slow store)
 *   get `working()` so they stay ours;
 * - max_ack_pending (ARCHIVE_MAX_ACK_PENDING) is large, since thousands of messages wait in open
 *   parts at once; memory is bounded by ARCHIVE_MAX_BUFFER_BYTES (parts are closed early and
 *   pulling waits beyond it);
 * - max_deliver is unlimited: a store that is down holds the lines in EVENTS (nak with back-off)
 *   rather than dead-lettering them, unless ARCHIVE_MAX_DELIVER says otherwise;
 * - a crash anywhere loses nothing: un-acked messages are redelivered and their lines written
 *   again into a new part of the same hour (duplicates, removable by event id).
 */
@Injectable()
export class ArchiveConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Archiver');
  private readonly buffer: PartBuffer<TenantArchive>;
  private readonly ledger = new SettlementLedger<JsMsg>();
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private started = false;
  private startError?: string;
  private readonly queue: Part<TenantArchive>[] = [];
  private readonly uploading = new Set<Promise<void>>();
  private wake?: () => void;
  private readonly durable: string;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(ARCHIVER_CONFIG) private readonly config: ArchiverConfig,
    private readonly destinations: Destinations,
  ) {
    this.durable = config.ARCHIVE_CONSUMER_NAME;
    this.buffer = new PartBuffer<TenantArchive>({
      maxBytes: config.ARCHIVE_PART_MAX_BYTES,
      maxLines: config.ARCHIVE_PART_MAX_LINES,
      maxAgeMs: config.ARCHIVE_PART_MAX_AGE_MS,
    });
  }

  /** For readiness: consuming (after the configuration loaded), or why not. */
  get state(): { running: boolean; reason?: string } {
    if (this.started && !this.stopping) return { running: true };
    return { running: false, reason: this.startError ?? (this.destinations.ready ? 'starting' : 'waiting for the archive configuration from the query-api') };
  }

  onApplicationBootstrap(): void {
    // In the background: the service answers /health while it waits for its configuration.
    void this.start().catch((error: unknown) => {
      this.startError = `the archive consumer did not start: ${(error as Error).message}`;
      this.logger.error(this.startError);
    });
  }

  async start(): Promise<void> {
    await this.destinations.start();
    if (this.stopping) return;
    await this.ensureConsumer();
    const consumer = await this.js.consumers.get(STREAMS.EVENTS, this.durable);
    // A small pull buffer: what is pulled and not yet taken is only given back by ack_wait after a crash.
    this.messages = await consumer.consume({ max_messages: 64 });
    this.timer = setInterval(() => this.tick(), Math.min(1000, Math.max(50, this.config.ARCHIVE_PART_MAX_AGE_MS / 4)));
    this.loop = this.pull(this.messages);
    this.started = true;
    this.logger.log(`archiving EVENTS (parts of at most ${this.config.ARCHIVE_PART_MAX_AGE_MS} ms, ${this.config.ARCHIVE_PART_MAX_LINES} lines, ${this.config.ARCHIVE_PART_MAX_BYTES} bytes)`);
  }

  private async ensureConsumer(): Promise<void> {
    const config = {
      durable_name: this.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.config.ARCHIVE_ACK_WAIT_MS),
      max_deliver: -1,
      max_ack_pending: this.config.ARCHIVE_MAX_ACK_PENDING,
    };
    try {
      await this.jsm.consumers.info(STREAMS.EVENTS, this.durable);
      await this.jsm.consumers.update(STREAMS.EVENTS, this.durable, config);
    } catch (error) {
      if (error instanceof JetStreamApiError || /not found/i.test(String((error as Error).message))) await this.jsm.consumers.add(STREAMS.EVENTS, config);
      else throw error;
    }
  }

  private async pull(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      this.receive(msg);
      // Memory bound: close every part early and wait for uploads to settle before pulling more.
      if (this.ledger.heldBytes >= this.config.ARCHIVE_MAX_BUFFER_BYTES) {
        for (const part of this.buffer.sealAll('pressure')) this.enqueue(part);
        while (!this.stopping && this.ledger.heldBytes >= this.config.ARCHIVE_MAX_BUFFER_BYTES * 0.75 && (this.uploading.size > 0 || this.queue.length > 0)) {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      }
    }
  }

  private receive(msg: JsMsg): void {
    if (this.stopping) {
      // Pulled but not started: straight back to the stream for another replica.
      msg.nak();
      return;
    }
    // Most tenants have no archive: settled from the subject alone, without decoding the batch.
    const subjectTenant = tenantOfSubject(msg.subject);
    if (!this.destinations.get(subjectTenant)) {
      msg.ack();
      noArchiveMessages.inc();
      messagesSettled.inc({ consumer: this.durable, outcome: 'acked' });
      return;
    }
    let batch: EventBatch;
    try {
      batch = decodeEventBatch(msg.data);
      if (batch.tenant !== tenantOfSubject(msg.subject)) throw new PoisonMessageError(`batch of tenant ${batch.tenant} on subject ${msg.subject}`);
    } catch (error) {
      void this.deadLetter(msg, error, 'poison', 0);
      return;
    }
    const archive = this.destinations.get(batch.tenant);
    if (!archive) {
      // Its archive was removed a moment ago.
      msg.ack();
      noArchiveMessages.inc();
      messagesSettled.inc({ consumer: this.durable, outcome: 'acked' });
      return;
    }
    if (!archive.store) {
      this.giveBack(msg, new StoreError(archive.error ?? 'no store', true), batch.events.length);
      return;
    }
    if (this.destinations.circuitOpen(batch.tenant)) {
      this.giveBack(msg, new StoreError(`the destination of ${batch.tenant} is failing`, false, 'circuit_open'), batch.events.length);
      return;
    }
    const { token, duplicate } = this.ledger.receive(msg.seq, msg, msg.data.byteLength);
    if (duplicate) return; // a redelivery of a message still held: its lines are already in parts
    const { parts, sealed } = this.buffer.add(batch.tenant, archive, archive.destinationId, batch.events, token);
    const done = this.ledger.attach(token, parts);
    if (done) {
      done.ack();
      messagesSettled.inc({ consumer: this.durable, outcome: 'acked' });
    }
    for (const part of sealed) this.enqueue(part);
  }

  private tick(): void {
    for (const part of this.buffer.due()) this.enqueue(part);
    // Messages held longer than half their ack_wait (a slow or failing upload) stay ours.
    const now = Date.now();
    for (const msg of this.ledger.heldSince(now - this.config.ARCHIVE_ACK_WAIT_MS / 2)) msg.working();
    heldBytes.set(this.ledger.heldBytes);
    heldMessages.set(this.ledger.held);
    openParts.set(this.buffer.openParts);
  }

  private enqueue(part: Part<TenantArchive>): void {
    this.queue.push(part);
    this.pump();
  }

  private pump(): void {
    while (this.uploading.size < this.config.ARCHIVE_UPLOAD_CONCURRENCY && this.queue.length > 0) {
      const part = this.queue.shift()!;
      const task = this.upload(part).finally(() => {
        this.uploading.delete(task);
        this.wake?.();
        this.wake = undefined;
        this.pump();
      });
      this.uploading.add(task);
    }
  }

  private async upload(part: Part<TenantArchive>): Promise<void> {
    const started = performance.now();
    const { store, prefix } = part.destination;
    try {
      if (!store) throw new StoreError(part.destination.error ?? 'no store', true);
      const body = await part.sink.finish();
      const keys = partKeys(prefix, part.tenant, part.hour, part.partId);
      const sha256 = sha256Hex(body);
      const verification = await store.putVerified(keys.data, body, 'application/gzip', sha256);
      // The manifest goes last: it marks a complete, verified part.
      const manifest = encodeManifest(buildManifest({
        tenant: part.tenant, hour: part.hour, object: keys.data.slice(keys.data.lastIndexOf('/') + 1), stats: part.stats, body, sha256,
      }));
      await store.putVerified(keys.manifest, manifest, 'application/json', sha256Hex(manifest));
      uploadSeconds.observe((performance.now() - started) / 1000);
      archiveParts.inc({ outcome: 'uploaded', verification });
      archiveBytes.inc({ kind: 'compressed' }, body.byteLength);
      archiveBytes.inc({ kind: 'uncompressed' }, part.stats.uncompressedBytes);
      this.destinations.markSuccess(part.tenant);
      if (this.config.ARCHIVER_FAULT_CRASH_BEFORE_ACK) {
        this.logger.error(`fault injection: exiting after the verified upload of ${keys.data}, before the ack`);
        process.exit(70);
      }
      const { ack } = this.ledger.settle(part.deliveries, true);
      for (const msg of ack) msg.ack();
      messagesSettled.inc({ consumer: this.durable, outcome: 'acked' }, ack.length);
      archiveEvents.inc({ outcome: 'archived' }, part.stats.lines);
    } catch (error) {
      part.sink.abort();
      const reason = error instanceof StoreError ? error.code : 'error';
      uploadFailures.inc({ reason });
      archiveParts.inc({ outcome: 'failed', verification: 'none' });
      this.destinations.markFailure(part.tenant, error);
      this.logger.warn(`part ${part.partId} of ${part.tenant} (${part.stats.lines} lines) not archived, its messages are retried: ${(error as Error).message}`);
      const { nak } = this.ledger.settle(part.deliveries, false);
      for (const msg of nak) this.retry(msg, error);
    }
  }

  /** A delivery that cannot be buffered now (destination failing or unusable): back to the stream. */
  private giveBack(msg: JsMsg, error: StoreError, lines: number): void {
    uploadFailures.inc({ reason: error.code });
    if (this.shouldDeadLetter(msg)) void this.deadLetter(msg, error, 'destination_failing', lines);
    else this.retry(msg, error);
  }

  private retry(msg: JsMsg, error: unknown): void {
    if (this.shouldDeadLetter(msg)) {
      void this.deadLetter(msg, error, 'destination_failing', 0);
      return;
    }
    const backoff = this.config.ARCHIVE_RETRY_BACKOFF_MS;
    msg.nak(backoff[Math.min(Math.max(msg.info.deliveryCount - 1, 0), backoff.length - 1)]);
    messagesSettled.inc({ consumer: this.durable, outcome: 'retried' });
    void error;
  }

  private shouldDeadLetter(msg: JsMsg): boolean {
    return this.config.ARCHIVE_MAX_DELIVER > 0 && msg.info.deliveryCount >= this.config.ARCHIVE_MAX_DELIVER;
  }

  private async deadLetter(msg: JsMsg, error: unknown, reasonClass: string, lines: number): Promise<void> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    try {
      await publishDeadLetter(this.js, msg, 'archive', reason, reasonClass);
      msg.term(reason.slice(0, 200));
      messagesSettled.inc({ consumer: this.durable, outcome: 'dead_lettered' });
      if (lines) archiveEvents.inc({ outcome: 'dead_lettered' }, lines);
      this.logger.error(`${msg.subject} seq ${msg.seq} dead-lettered (${reasonClass}): ${reason}`);
    } catch {
      msg.nak(this.config.ARCHIVE_RETRY_BACKOFF_MS[0]);
    }
  }

  /** Stop pulling, upload what is buffered (bounded by the shutdown timeout), give back the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake?.();
    this.messages?.stop();
    if (this.timer) clearInterval(this.timer);
    const deadline = Date.now() + Math.max(0, this.config.SHUTDOWN_TIMEOUT_MS - 1000);
    await Promise.race([this.loop, new Promise((r) => setTimeout(r, 2000).unref())]);
    for (const part of this.buffer.sealAll('shutdown')) this.enqueue(part);
    while ((this.uploading.size > 0 || this.queue.length > 0) && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.uploading]), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
    }
    // Whatever is not settled goes back to the stream for another replica (or the next start).
    for (const msg of this.ledger.releaseAll()) msg.nak();
    this.queue.length = 0;
  }
}
