import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ALERTER_CONFIG, type AlerterConfig } from './config';
import { AlertFeed } from './definitions/alert-feed.service';
import { Dispatcher } from './notify/dispatcher.service';
import { AlerterRpc } from './rpc/alerter-rpc.service';
import { ThresholdEvaluator } from './scheduled/threshold-evaluator.service';
import { AlertStore } from './store/alert-store';
import { StreamEvaluator } from './stream/stream-evaluator.service';

/**
 * Starts the alerter's loops once its configuration is loaded (lines are not counted against
 * alerts it does not know yet), and stops them in order on shutdown: stop pulling EVENTS and
 * finish the batches in flight, then let the notifications being sent complete.
 */
@Injectable()
export class AlerterLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Alerter');
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly feed: AlertFeed,
    private readonly store: AlertStore,
    private readonly stream: StreamEvaluator,
    private readonly thresholds: ThresholdEvaluator,
    private readonly dispatcher: Dispatcher,
    private readonly rpc: AlerterRpc,
    @Inject(ALERTER_CONFIG) private readonly config: AlerterConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.store.onQueued = () => this.dispatcher.kick();
    this.feed.onChange((tenant, alerts) => {
      const list = [...alerts.byId.values()];
      void this.store.syncSchedules(tenant, list).catch((e) => this.logger.warn(`schedules of ${tenant}: ${(e as Error).message}`));
      void this.store.ensureAbsenceStates(list).catch((e) => this.logger.warn(`absence state of ${tenant}: ${(e as Error).message}`));
    });
    this.rpc.start();
    await this.feed.start();
    void this.startWhenConfigured();
  }

  private async startWhenConfigured(): Promise<void> {
    for (let tries = 0; !this.feed.ready && !this.stopped; tries++) {
      if (tries % 30 === 0) this.logger.warn('waiting for the alert definitions from the query-api (config.alerts.get) before counting lines');
      await new Promise((r) => setTimeout(r, 1000));
      await this.feed.reloadAll();
    }
    if (this.stopped) return;
    await this.stream.start();
    const every = (ms: number, work: () => Promise<void> | void) => {
      const timer = setInterval(() => void work(), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.ALERTER_TICK_MS, () => this.stream.closeDueWindows());
    every(this.config.ALERTER_TICK_MS, () => this.thresholds.tick());
    every(this.config.ALERTER_TICK_MS, () => this.dispatcher.kick());
    every(30_000, () => this.housekeeping());
    this.dispatcher.kick();
    this.logger.log('evaluating alerts');
  }

  /** Drop the state of alerts that are gone, forget old history and old batch ids. */
  private async housekeeping(): Promise<void> {
    try {
      if (this.feed.ready) {
        const live = [...this.feed.all()].filter((a) => a.def.enabled).map((a) => a.def.id);
        await this.store.dropStateExcept(live);
        await this.store.ensureAbsenceStates([...this.feed.all()]);
      }
      await this.store.prune(this.config.ALERT_HISTORY_DAYS, this.config.JETSTREAM_MAX_AGE_HOURS);
    } catch (error) {
      this.logger.warn(`housekeeping failed: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.rpc.stop();
    this.feed.stop();
    await this.stream.stop(this.config.SHUTDOWN_TIMEOUT_MS);
    await Promise.race([this.dispatcher.idle(), new Promise((r) => setTimeout(r, this.config.SHUTDOWN_TIMEOUT_MS).unref())]);
  }
}
