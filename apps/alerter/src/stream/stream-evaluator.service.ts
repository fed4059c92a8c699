import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { decodeEventBatch, PoisonMessageError, STREAMS, tenantOfSubject, type EventBatch, type LogEvent } from '@millrace/log-schema';
import { BatchConsumer, JETSTREAM, JETSTREAM_MANAGER, type JetStreamClient, type JetStreamManager } from '@millrace/messaging';
import { ALERTER_CONFIG, type AlerterConfig } from '../config';
import { AlertFeed } from '../definitions/alert-feed.service';
import type { CompiledAlert } from '../definitions/compile';
import { fieldValue, groupKey, NO_GROUP } from '../engine/fields';
import { MAX_SAMPLES, type Sample } from '../engine/windows';
import { AlertStore, type TouchedGroup } from '../store/alert-store';
import { batchApplySeconds, duplicateBatches, lateLines, linesMatched } from '../metrics';

export const ALERTER_DURABLE = 'alerter';
const MAX_SAMPLE_MESSAGE = 1000;

function sampleOf(event: LogEvent): Sample {
  return {
    ts: event.ts,
    app: event.app,
    host: event.host,
    ...(event.level ? { level: event.level } : {}),
    message: event.message.length > MAX_SAMPLE_MESSAGE ? `${event.message.slice(0, MAX_SAMPLE_MESSAGE)}…` : event.message,
  };
}

/**
 * Match one batch against a tenant's stream alerts, in memory: the lines of each
 * (alert, group) are counted together, so the store writes once per (alert, group), not per line.
 */
export function matchBatch(batch: EventBatch, alerts: CompiledAlert[], now: number, maxLatenessMs: number): { touched: TouchedGroup[]; late: number } {
  const touched = new Map<string, TouchedGroup>();
  let late = 0;
  const oldest = now - maxLatenessMs;
  for (const event of batch.events) {
    if (event.source === 'rehydrate' || event.receivedAt < oldest) {
      late++;
      continue;
    }
    for (const alert of alerts) {
      if (!alert.matcher(event)) continue;
      const group = alert.def.groupBy ? groupKey(fieldValue(event, alert.def.groupBy)) : NO_GROUP;
      const key = `${alert.def.id}\u0000${group}`;
      let t = touched.get(key);
      if (!t) {
        t = { alert, group, t: event.receivedAt, lines: 0, samples: [] };
        touched.set(key, t);
      }
      t.lines++;
      if (event.receivedAt > t.t) t.t = event.receivedAt;
      if (t.samples.length < MAX_SAMPLES) t.samples.push(sampleOf(event));
    }
  }
  return { touched: [...touched.values()], late };
}

/**
 * Presence and absence alerts on the stream: the alerter's durable consumer on EVENTS (shared
 * by its replicas) counts matching lines into PostgreSQL, and a closer ends windows once their
 * time is up and the stream has been read that far.
 */
@Injectable()
export class StreamEvaluator {
  private readonly logger = new Logger('StreamEvaluator');
  private consumer?: BatchConsumer<Uint8Array>;
  /** Receive time up to which every EVENTS message has been settled (epoch ms). */
  private watermark = 0;
  private closing = false;

  constructor(
    private readonly feed: AlertFeed,
    private readonly store: AlertStore,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(ALERTER_CONFIG) private readonly config: AlerterConfig,
  ) {}

  async start(): Promise<void> {
    this.consumer = new BatchConsumer<Uint8Array>({
      js: this.js,
      jsm: this.jsm,
      stream: STREAMS.EVENTS,
      durable: ALERTER_DURABLE,
      stage: 'alert',
      // Decoding waits until we know the tenant has stream alerts: most batches need nothing.
      decode: (data) => data,
      handle: (data, msg) => this.handle(data, msg),
      concurrency: this.config.ALERTER_CONCURRENCY,
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async stop(timeoutMs: number): Promise<void> {
    await this.consumer?.stop(timeoutMs);
  }

  private async handle(data: Uint8Array, msg: JsMsg): Promise<void> {
    const tenant = tenantOfSubject(msg.subject);
    const alerts = this.feed.stream(tenant);
    if (alerts.length === 0) return;
    const batch = decodeEventBatch(data);
    if (batch.tenant !== tenant) throw new PoisonMessageError(`batch of tenant ${batch.tenant} on the subject of ${tenant}`);
    if (batch.events.length === 0) return;
    const { touched, late } = matchBatch(batch, alerts, Date.now(), this.config.STREAM_MAX_LATENESS_MS);
    if (late > 0) lateLines.inc(late);
    if (touched.length === 0) return;
    for (const t of touched) linesMatched.inc({ kind: t.alert.def.kind }, t.lines);
    const started = performance.now();
    const applied = await this.store.applyBatch(`${batch.batchId}:${batch.events[0].id}`, touched);
    batchApplySeconds.observe((performance.now() - started) / 1000);
    if (!applied) duplicateBatches.inc();
  }

  /**
   * How far the stream has been read: everything stored before the oldest unacknowledged
   * message has been counted. With nothing pending anywhere, that is now.
   */
  async refreshWatermark(): Promise<void> {
    const checkedAt = Date.now();
    try {
      const info = await this.jsm.consumers.info(STREAMS.EVENTS, ALERTER_DURABLE);
      if (info.num_pending === 0 && info.num_ack_pending === 0) {
        this.watermark = checkedAt;
        return;
      }
      const oldest = await this.jsm.streams.getMessage(STREAMS.EVENTS, { seq: info.ack_floor.stream_seq + 1 });
      this.watermark = oldest ? oldest.time.getTime() - 1 : checkedAt;
    } catch (error) {
      this.logger.debug?.(`cannot read the consumer position: ${(error as Error).message}`);
    }
  }

  /** Close the windows that ended before the watermark (less the grace for pipeline latency). */
  async closeDueWindows(): Promise<void> {
    if (this.closing || !this.feed.ready) return;
    this.closing = true;
    try {
      await this.refreshWatermark();
      const until = Math.min(Date.now(), this.watermark) - this.config.ALERT_WINDOW_GRACE_MS;
      const due = await this.store.alertsWithDueWindows(until);
      for (const { alertId, tenant } of due) {
        await this.store.closeAlertWindows(alertId, await this.feed.findFresh(tenant, alertId), until);
      }
    } catch (error) {
      this.logger.warn(`closing windows failed: ${(error as Error).message}`);
    } finally {
      this.closing = false;
    }
  }
}
