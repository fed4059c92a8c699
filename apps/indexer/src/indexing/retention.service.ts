import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import { Counter, register } from 'prom-client';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { INDEXER_CONFIG, type IndexerConfig } from '../config';
import { hasIsm, installIsmPolicies, sweepExpiredIndices } from './retention';

const deleted =
  (register.getSingleMetric('millrace_retention_deleted_indices_total') as Counter) ??
  new Counter({ name: 'millrace_retention_deleted_indices_total', help: 'Expired event indices deleted by the indexer' });

/**
 * Expired data goes away whole: by Index State Management policies where the cluster has the
 * plugin, otherwise by this scheduled sweep (RETENTION_MODE chooses; auto detects).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  mode: 'ism' | 'sweep' = 'sweep';

  constructor(
    @Inject(OPENSEARCH_CLIENT) private readonly client: Client,
    @Inject(INDEXER_CONFIG) private readonly config: IndexerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const ism = this.config.RETENTION_MODE === 'ism' || (this.config.RETENTION_MODE === 'auto' && (await hasIsm(this.client)));
    if (ism) {
      await installIsmPolicies(this.client);
      this.mode = 'ism';
      this.logger.log('retention by Index State Management policies');
      return;
    }
    this.mode = 'sweep';
    this.logger.log(`retention by the indexer's sweep every ${this.config.RETENTION_SWEEP_INTERVAL_SECONDS} s`);
    this.timer = setInterval(() => void this.sweep(), this.config.RETENTION_SWEEP_INTERVAL_SECONDS * 1000);
    this.timer.unref();
    void this.sweep();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<string[]> {
    try {
      const gone = await sweepExpiredIndices(this.client);
      if (gone.length) {
        deleted.inc(gone.length);
        this.logger.log(`deleted expired indices: ${gone.join(', ')}`);
      }
      return gone;
    } catch (error) {
      this.logger.warn(`retention sweep failed, will retry: ${(error as Error).message}`);
      return [];
    }
  }
}
