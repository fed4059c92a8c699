import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { ALERTER_CONFIG, type AlerterConfig } from '../config';
import { AlertFeed } from '../definitions/alert-feed.service';
import { AlertStore } from '../store/alert-store';
import { thresholdEvaluations } from '../metrics';
import { measureThreshold } from './opensearch-queries';

/**
 * Threshold alerts on a schedule: every tick, each replica claims due schedules with
 * `FOR UPDATE SKIP LOCKED` and a lease, measures them in OpenSearch (aggregations, tenant
 * filter and routing) and stores the outcome with the next run time in one transaction.
 */
@Injectable()
export class ThresholdEvaluator {
  private readonly logger = new Logger('ThresholdEvaluator');
  private running = false;

  constructor(
    private readonly feed: AlertFeed,
    private readonly store: AlertStore,
    @Inject(OPENSEARCH_CLIENT) private readonly client: Client,
    @Inject(ALERTER_CONFIG) private readonly config: AlerterConfig,
  ) {}

  async tick(): Promise<void> {
    if (this.running || !this.feed.ready) return;
    this.running = true;
    try {
      const claimed = await this.store.claimSchedules(this.config.SCHEDULE_CONCURRENCY * 4, 60_000);
      let next = 0;
      const worker = async () => {
        while (next < claimed.length) await this.evaluate(claimed[next++]);
      };
      await Promise.all(Array.from({ length: Math.min(this.config.SCHEDULE_CONCURRENCY, claimed.length) }, worker));
    } catch (error) {
      this.logger.warn(`scheduling failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async evaluate(s: { alertId: string; tenant: string; everyMs: number }): Promise<void> {
    const alert = await this.feed.findFresh(s.tenant, s.alertId);
    if (!alert || !alert.threshold || !alert.def.enabled) {
      await this.store.deleteSchedule(s.alertId);
      return;
    }
    const to = Date.now() - this.config.THRESHOLD_QUERY_DELAY_MS;
    const from = to - alert.def.windowSeconds * 1000;
    try {
      const measured = await measureThreshold(this.client, alert, from, to);
      await this.store.applyThreshold(alert, measured, from, to);
      thresholdEvaluations.inc({ outcome: 'ok' });
    } catch (error) {
      thresholdEvaluations.inc({ outcome: 'error' });
      this.logger.warn(`evaluating alert ${s.alertId} of ${s.tenant} failed: ${(error as Error).message}`);
      await this.store.retrySchedule(s.alertId, Math.min(s.everyMs, 10_000)).catch(() => undefined);
    }
  }
}
