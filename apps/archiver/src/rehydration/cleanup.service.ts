import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import { ALL_REHYDRATED_PATTERN, parseRehydratedIndexName } from '@millrace/search-index';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { ARCHIVER_CONFIG, type ArchiverConfig } from '../config';
import { rehydratedIndicesDeleted } from '../archive/metrics';
import { JobsService } from './jobs.service';
import { deleteIndex } from './rehydrated-index';

/** An index without a live job is removed only once this old (its job row is written first, but be patient). */
const ORPHAN_GRACE_MS = 60_000;

/**
 * Removes rehydrated indices on schedule: those of jobs past their expiry, cancelled or deleted,
 * and any `millrace-rehydrated-*` index whose job is unknown or already cleaned up (an index
 * re-created by a bulk racing a cancellation, or one left by a lost database). Idempotent, so
 * every replica may run it.
 */
@Injectable()
export class RehydrationCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RehydrationCleanup');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly jobs: JobsService,
    @Inject(OPENSEARCH_CLIENT) private readonly client: Client,
    @Inject(ARCHIVER_CONFIG) private readonly config: ArchiverConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.ARCHIVE_CLEANUP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<{ deleted: number }> {
    if (this.running) return { deleted: 0 };
    this.running = true;
    let deleted = 0;
    try {
      for (const job of await this.jobs.indicesToDelete()) {
        if (await deleteIndex(this.client, job.indexName)) deleted++;
        await this.jobs.markIndexDeleted(job);
        const why = job.state === 'succeeded' || job.state === 'failed' ? 'expired' : 'cancelled';
        rehydratedIndicesDeleted.inc({ why });
        this.logger.log(`removed ${job.indexName} (job ${job.id} ${why})`);
      }
      deleted += await this.sweepOrphans();
    } catch (error) {
      this.logger.warn(`cleanup failed, will try again: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
    return { deleted };
  }

  private async sweepOrphans(): Promise<number> {
    const { body } = await this.client.cat.indices({ index: ALL_REHYDRATED_PATTERN, format: 'json', h: 'index,creation.date', expand_wildcards: 'all' } as never);
    const indices = (body as Array<{ index: string; 'creation.date': string }>)
      .map((row) => ({ name: row.index, created: Number(row['creation.date']), parsed: parseRehydratedIndexName(row.index) }))
      .filter((row) => row.parsed && Date.now() - row.created > ORPHAN_GRACE_MS);
    if (indices.length === 0) return 0;
    const jobs = new Map((await this.jobs.byIds(indices.map((i) => i.parsed!.jobId))).map((j) => [j.id, j]));
    let deleted = 0;
    for (const index of indices) {
      const job = jobs.get(index.parsed!.jobId);
      const orphan = !job || job.tenant !== index.parsed!.tenant || job.indexDeletedAt !== null;
      if (!orphan) continue;
      if (await deleteIndex(this.client, index.name)) {
        deleted++;
        rehydratedIndicesDeleted.inc({ why: 'orphan' });
        this.logger.log(`removed ${index.name}: its job is ${job ? 'already cleaned up' : 'unknown'}`);
      }
    }
    return deleted;
  }
}
