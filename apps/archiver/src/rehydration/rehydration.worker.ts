import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { LogEvent } from '@millrace/log-schema';
import { compileMatcher, parseQuery, type EventMatcher } from '@millrace/query-language';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { ARCHIVER_CONFIG, type ArchiverConfig } from '../config';
import type { RehydrationProblem, RehydrationProgress } from '@millrace/archive-contract';
import { Destinations } from '../archive/destinations';
import { hourPrefix, hoursInRange, parsePartKey } from '../archive/layout';
import { parseManifest, type PartManifest } from '../archive/manifest';
import { rehydrationJobs, rehydrationLines, rehydrationObjectsSkipped } from '../archive/metrics';
import { StoreError, type ArchiveStore, type ObjectInfo } from '../stores/store';
import { RehydrationJob } from './job.entity';
import { emptyProgress, JobsService, MAX_PROBLEMS } from './jobs.service';
import { CorruptPartError, decodePart } from './part-reader';
import { createRehydratedIndex, deleteIndex, IndexBackPressure, indexEvents } from './rehydrated-index';

const BULK_SIZE = 1000;
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_ATTEMPTS = 3;
const RETRIES = [500, 2000, 5000, 10000, 20000];

/** The job was cancelled, or another replica took it over: stop quietly. */
class JobLost extends Error {
  override readonly name = 'JobLost';
}

interface PartObjects {
  data?: ObjectInfo;
  manifest?: ObjectInfo;
}

/**
 * Works rehydration jobs: reads the archived parts of the job's hours (by the layout), checks
 * each against its manifest, filters with the job's query and bulk-indexes the matches into the
 * job's own index. Progress and cost are saved as it goes (with a checkpoint, so a job taken
 * over after a crash resumes after the last object done); a corrupt part is reported in the job
 * and skipped.
 */
@Injectable()
export class RehydrationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Rehydration');
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private polling = false;

  constructor(
    private readonly jobs: JobsService,
    private readonly destinations: Destinations,
    @Inject(OPENSEARCH_CLIENT) private readonly client: Client,
    @Inject(ARCHIVER_CONFIG) private readonly config: ArchiverConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), this.config.ARCHIVE_REHYDRATION_POLL_MS);
    this.timer.unref();
  }

  /** Look for work now (a job was just created here). */
  poke(): void {
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopping || !this.destinations.ready) return;
    this.polling = true;
    try {
      await this.jobs.failAbandoned(MAX_ATTEMPTS);
      while (!this.stopping && this.running.size < this.config.ARCHIVE_REHYDRATION_CONCURRENCY) {
        const job = await this.jobs.claim(this.owner);
        if (!job) break;
        const task = this.run(job).finally(() => this.running.delete(job.id));
        this.running.set(job.id, task);
      }
    } catch (error) {
      this.logger.warn(`cannot look for rehydration jobs: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private async run(job: RehydrationJob): Promise<void> {
    const progress: RehydrationProgress = { ...emptyProgress(), ...job.progress };
    const problems: RehydrationProblem[] = [...(job.problems ?? [])];
    let checkpoint = job.checkpoint;
    let lastSave = 0;
    const save = async (force = false) => {
      if (!force && Date.now() - lastSave < 500) return;
      lastSave = Date.now();
      if (!(await this.jobs.saveProgress(job, this.owner, progress, problems, checkpoint))) throw new JobLost();
    };
    this.logger.log(`job ${job.id} of ${job.tenant}: ${job.rangeFrom.toISOString()} → ${job.rangeTo.toISOString()}${job.query ? ` where ${job.query}` : ''}${checkpoint ? ` (resuming after ${checkpoint})` : ''}`);
    try {
      await this.destinations.reload(job.tenant);
      const archive = this.destinations.get(job.tenant);
      if (!archive) throw new StoreError('this organisation has no archive configured (any more)', true);
      if (!archive.store) throw new StoreError(archive.error ?? 'the archive destination cannot be used', true);
      const store = archive.store;
      const matcher = compileMatcher(parseQuery(job.query));
      await this.retrying(() => createRehydratedIndex(this.client, job.indexName, {
        kind: 'rehydrated', tenant: job.tenant, job: job.id, from: job.rangeFrom.toISOString(), to: job.rangeTo.toISOString(),
      }), 'index creation');
      const from = job.rangeFrom.getTime();
      const to = job.rangeTo.getTime();
      const hours = hoursInRange(from, to);
      progress.hoursTotal = hours.length;
      for (const hour of hours) {
        const folder = hourPrefix(archive.prefix, job.tenant, hour);
        if (checkpoint && folder < checkpoint.slice(0, folder.length)) continue; // hours before the checkpoint are done
        const parts = new Map<string, PartObjects>();
        for await (const page of this.retryingIterable(() => store.list(folder), progress)) {
          for (const object of page) {
            const parsed = parsePartKey(object.key);
            if (!parsed || parsed.tenant !== job.tenant) continue;
            const entry = parts.get(parsed.partId) ?? {};
            entry[parsed.kind] = object;
            parts.set(parsed.partId, entry);
          }
        }
        for (const partId of [...parts.keys()].sort()) {
          const objects = parts.get(partId)!;
          if (!objects.data) continue; // a manifest whose part is gone: nothing to read
          if (checkpoint && objects.data.key <= checkpoint) continue;
          progress.objectsListed++;
          await this.readPart(job, store, objects, matcher, from, to, progress, problems);
          checkpoint = objects.data.key;
          await save();
          if (this.stopping) throw new JobLost();
          if (progress.truncated) break;
        }
        progress.hoursDone++;
        await save();
        if (progress.truncated) break;
      }
      await this.retrying(() => this.client.indices.refresh({ index: job.indexName }), 'index refresh');
      if (await this.jobs.finish(job, this.owner, 'succeeded', progress, problems)) {
        rehydrationJobs.inc({ state: 'succeeded' });
        this.logger.log(`job ${job.id} of ${job.tenant} done: ${progress.linesIndexed} lines indexed from ${progress.objectsRead} objects (${progress.bytesRead} bytes), ${progress.objectsSkipped} skipped`);
      } else {
        await this.abandon(job);
      }
    } catch (error) {
      if (error instanceof JobLost) {
        await this.abandon(job);
        return;
      }
      if (this.stopping) {
        await this.jobs.release(job, this.owner).catch(() => undefined);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`job ${job.id} of ${job.tenant} failed: ${message}`);
      if (await this.jobs.finish(job, this.owner, 'failed', progress, problems, message.slice(0, 1000)).catch(() => false)) rehydrationJobs.inc({ state: 'failed' });
    }
  }

  /** Cancelled or taken over: if cancelled, the index goes now; let go of the lease either way. */
  private async abandon(job: RehydrationJob): Promise<void> {
    const current = await this.jobs.get(job.tenant, job.id).catch(() => undefined);
    if (current && (current.state === 'cancelled' || current.state === 'deleted')) {
      await deleteIndex(this.client, job.indexName).catch(() => undefined);
      await this.jobs.markIndexDeleted(job);
      rehydrationJobs.inc({ state: 'cancelled' });
      this.logger.log(`job ${job.id} of ${job.tenant} cancelled; its index is removed`);
    }
    await this.jobs.release(job, this.owner).catch(() => undefined);
  }

  private async readPart(
    job: RehydrationJob,
    store: ArchiveStore,
    objects: PartObjects,
    matcher: EventMatcher,
    from: number,
    to: number,
    progress: RehydrationProgress,
    problems: RehydrationProblem[],
  ): Promise<void> {
    const data = objects.data!;
    const problem = (object: string, reason: string, kind: string) => {
      progress.objectsSkipped++;
      rehydrationObjectsSkipped.inc({ reason: kind });
      if (problems.length < MAX_PROBLEMS) problems.push({ object, reason });
      this.logger.warn(`job ${job.id}: skipped ${object}: ${reason}`);
    };
    let manifest: PartManifest | undefined;
    if (objects.manifest) {
      try {
        progress.getRequests++;
        manifest = parseManifest(await this.retrying(() => store.get(objects.manifest!.key, MAX_MANIFEST_BYTES), 'manifest download'));
      } catch (error) {
        if (error instanceof StoreError && !error.permanent) throw error;
        problem(data.key, `its manifest cannot be read: ${(error as Error).message}`, 'manifest');
        return;
      }
    } else {
      // Written, but its manifest was not (a crash in between): its lines were archived again, reading it is harmless.
      progress.objectsWithoutManifest++;
    }
    const maxBytes = Math.max(this.config.ARCHIVE_PART_MAX_BYTES * 2, 64 * 1024 * 1024);
    let body: Buffer;
    try {
      progress.getRequests++;
      body = await this.retrying(() => store.get(data.key, maxBytes), 'download');
    } catch (error) {
      if (error instanceof StoreError && error.code === 'too_large') {
        problem(data.key, error.message, 'too_large');
        return;
      }
      throw error;
    }
    progress.objectsRead++;
    progress.bytesRead += body.byteLength;
    let decoded;
    try {
      decoded = await decodePart(body, job.tenant, manifest, maxBytes * 4);
    } catch (error) {
      if (error instanceof CorruptPartError) {
        problem(data.key, error.message, error.reason);
        return;
      }
      throw error;
    }
    if (decoded.badLines) {
      if (problems.length < MAX_PROBLEMS) problems.push({ object: data.key, reason: `${decoded.badLines} line(s) are not events of this organisation; skipped` });
    }
    progress.linesRead += decoded.events.length + decoded.badLines;
    const limit = this.config.ARCHIVE_REHYDRATION_MAX_LINES;
    let batch: LogEvent[] = [];
    const flush = async () => {
      const outcome = await this.retrying(() => indexEvents(this.client, job.indexName, batch), 'bulk indexing');
      progress.linesIndexed += outcome.indexed;
      progress.linesRejected += outcome.rejected.length;
      rehydrationLines.inc({ outcome: 'indexed' }, outcome.indexed);
      if (outcome.rejected.length) {
        rehydrationLines.inc({ outcome: 'rejected' }, outcome.rejected.length);
        if (problems.length < MAX_PROBLEMS) problems.push({ object: data.key, reason: `${outcome.rejected.length} line(s) refused by the index, e.g. ${outcome.rejected[0].id}: ${outcome.rejected[0].reason}` });
      }
      batch = [];
    };
    let filtered = 0;
    for (const event of decoded.events) {
      if (event.ts < from || event.ts > to || !matcher(event)) {
        filtered++;
        continue;
      }
      if (progress.linesMatched >= limit) {
        progress.truncated = true;
        break;
      }
      progress.linesMatched++;
      batch.push(event);
      if (batch.length >= BULK_SIZE) await flush();
    }
    if (batch.length) await flush();
    rehydrationLines.inc({ outcome: 'filtered' }, filtered);
  }

  /** Passing failures (store or OpenSearch unavailable) are retried with back-off; then the job fails. */
  private async retrying<T>(fn: () => Promise<T>, what: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const passing = error instanceof IndexBackPressure || (error instanceof StoreError && !error.permanent && error.code !== 'not_found');
        if (!passing || attempt >= RETRIES.length || this.stopping) throw error;
        this.logger.warn(`${what} failed (attempt ${attempt + 1}), retrying: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, RETRIES[attempt]));
      }
    }
  }

  private async *retryingIterable<T>(make: () => AsyncIterable<T>, progress: RehydrationProgress): AsyncIterable<T> {
    // Listing pages are re-requested from the start on a passing failure (a page is one request).
    const pages: T[] = await this.retrying(async () => {
      const out: T[] = [];
      for await (const page of make()) {
        progress.listRequests++;
        out.push(page);
      }
      return out;
    }, 'listing');
    yield* pages;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    // Jobs stop after their current object and let go of their lease: they resume at once elsewhere (or after a restart).
    await Promise.race([Promise.allSettled([...this.running.values()]), new Promise((r) => setTimeout(r, Math.max(1000, this.config.SHUTDOWN_TIMEOUT_MS - 2000)).unref())]);
  }
}
