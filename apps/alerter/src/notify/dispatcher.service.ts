import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ALERTER_CONFIG, type AlerterConfig } from '../config';
import { AlertFeed } from '../definitions/alert-feed.service';
import { rowsOf } from '../store/alert-store';
import { notificationDelay, notifications as notificationCounter } from '../metrics';
import { ChannelSender } from './channels';
import { DeliveryError } from './http-client';
import type { NotificationContext } from './templates';

interface ClaimedRow {
  id: string;
  tenant: string;
  alert_id: string;
  channel_id: string;
  channel_type: string;
  attempts: number;
  context: NotificationContext;
}

/** The delay before attempt `attempts + 1`, from the back-off list (its last value repeats). */
export function backoffMs(list: number[], attempts: number): number {
  return list[Math.min(Math.max(attempts - 1, 0), list.length - 1)];
}

/**
 * Sends the outbox. Each round claims due notifications with `FOR UPDATE SKIP LOCKED` and a
 * lease (so replicas never take the same one), sends them concurrently, and marks each sent,
 * due again after a back-off, or failed for good after NOTIFY_MAX_ATTEMPTS. A process that
 * dies after sending and before marking leaves the lease to expire: the notification is sent
 * again (at least once), with the same idempotency key.
 */
@Injectable()
export class Dispatcher {
  private readonly logger = new Logger('Dispatcher');
  private readonly sender: ChannelSender;
  private running = false;
  private again = false;
  private inFlight?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly feed: AlertFeed,
    @Inject(ALERTER_CONFIG) private readonly config: AlerterConfig,
  ) {
    this.sender = new ChannelSender({
      pagerDutyUrl: config.PAGERDUTY_EVENTS_URL,
      smtpUrl: config.SMTP_URL,
      smtpFrom: config.SMTP_FROM,
      timeoutMs: config.NOTIFY_TIMEOUT_MS,
      allowPrivate: config.CHANNEL_ALLOW_PRIVATE_NETWORKS,
    });
  }

  /** Run a round now (or right after the current one). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.inFlight = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.round()) === this.batchSize) {
            /* a full round: there may be more */
          }
        } while (this.again);
      } catch (error) {
        this.logger.warn(`dispatch round failed: ${(error as Error).message}`);
      } finally {
        this.running = false;
      }
    })();
  }

  async idle(): Promise<void> {
    await this.inFlight;
  }

  private get batchSize(): number {
    return this.config.NOTIFY_CONCURRENCY * 2;
  }

  /** One round: claim, send, mark. Returns how many were claimed. */
  async round(): Promise<number> {
    if (!this.feed.ready) return 0;
    const claimed = rowsOf<ClaimedRow>(await this.db.query(
      `UPDATE notifications SET lease_until = now() + $2 * interval '1 millisecond', attempts = attempts + 1, updated_at = now()
        WHERE id IN (SELECT id FROM notifications
                      WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, tenant, alert_id, channel_id, channel_type, attempts, context`,
      [this.batchSize, this.config.NOTIFY_LEASE_MS],
    ));
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) await this.deliver(claimed[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.NOTIFY_CONCURRENCY, claimed.length) }, worker));
    return claimed.length;
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    let alert;
    try {
      alert = await this.feed.findFresh(row.tenant, row.alert_id);
    } catch (error) {
      // The definitions cannot be checked right now: hand it back untouched, try again shortly.
      await this.db.query(`UPDATE notifications SET lease_until = NULL, attempts = attempts - 1, next_attempt_at = now() + interval '5 seconds' WHERE id = $1`, [row.id]);
      this.logger.warn(`notification ${row.id} postponed: the alert definitions cannot be loaded (${(error as Error).message})`);
      return;
    }
    const channel = alert?.def.channels.find((c) => c.id === row.channel_id);
    if (!alert || !channel) {
      await this.finish(row.id, 'cancelled', alert ? 'the channel was removed from the alert' : 'the alert was deleted');
      notificationCounter.inc({ channel: row.channel_type, outcome: 'cancelled' });
      return;
    }
    try {
      const response = await this.sender.deliver({ channel, context: row.context, id: row.id, attempt: row.attempts });
      // Test hook for the end-to-end tests: die between sending and marking it sent.
      if (process.env.ALERTER_FAULT_EXIT_AFTER_SEND === 'true') process.exit(86);
      await this.db.query(
        `UPDATE notifications SET status = 'sent', sent_at = now(), lease_until = NULL, response = $2, updated_at = now() WHERE id = $1`,
        [row.id, response],
      );
      notificationCounter.inc({ channel: channel.type, outcome: 'sent' });
      notificationDelay.observe({ channel: channel.type }, Math.max(0, Date.now() - Date.parse(row.context.at)) / 1000);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof DeliveryError && error.permanent;
      if (permanent || row.attempts >= this.config.NOTIFY_MAX_ATTEMPTS) {
        await this.finish(row.id, 'failed', undefined, message);
        notificationCounter.inc({ channel: channel.type, outcome: 'failed' });
        this.logger.warn(`notification ${row.id} (${channel.type}) of alert ${row.alert_id} failed for good after ${row.attempts} attempt(s): ${message}`);
      } else {
        const delay = backoffMs(this.config.NOTIFY_RETRY_BACKOFF_MS, row.attempts);
        await this.db.query(
          `UPDATE notifications SET lease_until = NULL, last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond', updated_at = now() WHERE id = $1`,
          [row.id, message.slice(0, 1000), delay],
        );
        notificationCounter.inc({ channel: channel.type, outcome: 'retried' });
      }
    }
  }

  private async finish(id: string, status: 'failed' | 'cancelled', reason?: string, error?: string): Promise<void> {
    await this.db.query(
      `UPDATE notifications SET status = $2, reason = COALESCE($3, reason), last_error = COALESCE($4, last_error), lease_until = NULL, updated_at = now() WHERE id = $1`,
      [id, status, reason ?? null, error?.slice(0, 1000) ?? null],
    );
  }
}
