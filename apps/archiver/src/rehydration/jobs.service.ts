import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { ulid } from 'ulid';
import { parseQuery, QuerySyntaxError } from '@millrace/query-language';
import { rehydratedIndexName } from '@millrace/search-index';
import { ARCHIVER_CONFIG, type ArchiverConfig } from '../config';
import type { CreateRehydrationRequest, RehydrationJobView, RehydrationProblem, RehydrationProgress, RehydrationState } from '@millrace/archive-contract';
import { Destinations } from '../archive/destinations';
import { HOUR_MS, hourStart } from '../archive/layout';
import { RehydrationJob } from './job.entity';

/** A refusal with an HTTP meaning, carried back to the query-api. */
export class JobError extends Error {
  override readonly name = 'JobError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const MAX_PROBLEMS = 100;

export function emptyProgress(hoursTotal = 0): RehydrationProgress {
  return {
    hoursTotal, hoursDone: 0, objectsListed: 0, objectsRead: 0, objectsSkipped: 0, objectsWithoutManifest: 0,
    bytesRead: 0, linesRead: 0, linesMatched: 0, linesIndexed: 0, linesRejected: 0, listRequests: 0, getRequests: 0, truncated: false,
  };
}

export function toView(job: RehydrationJob): RehydrationJobView {
  const iso = (d: Date | null) => (d ? d.toISOString() : undefined);
  return {
    id: job.id,
    tenant: job.tenant,
    state: job.state,
    from: job.rangeFrom.toISOString(),
    to: job.rangeTo.toISOString(),
    query: job.query,
    index: job.indexName,
    progress: { ...emptyProgress(), ...job.progress },
    problems: job.problems ?? [],
    ...(job.error ? { error: job.error } : {}),
    requestedBy: job.requestedBy,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    expiresAt: iso(job.expiresAt),
  };
}

const ACTIVE: RehydrationState[] = ['queued', 'running'];

/** The jobs table: every read and write is scoped by the tenant the caller names (the query-api's verified principal). */
@Injectable()
export class JobsService {
  constructor(
    @InjectRepository(RehydrationJob) private readonly jobs: Repository<RehydrationJob>,
    @Inject(ARCHIVER_CONFIG) private readonly config: ArchiverConfig,
    private readonly destinations: Destinations,
  ) {}

  async create(request: CreateRehydrationRequest): Promise<RehydrationJob> {
    const { tenant, from, to } = request;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) throw new JobError(400, 'from must be a time before to');
    const hours = (hourStart(to) - hourStart(from)) / HOUR_MS + 1;
    if (hours > this.config.ARCHIVE_REHYDRATION_MAX_RANGE_HOURS) {
      throw new JobError(400, `the range covers ${hours} hours; at most ${this.config.ARCHIVE_REHYDRATION_MAX_RANGE_HOURS} per job`);
    }
    try {
      parseQuery(request.query ?? '');
    } catch (error) {
      if (error instanceof QuerySyntaxError) throw new JobError(400, `invalid query: ${error.message}`);
      throw error;
    }
    if (!this.destinations.get(tenant)) await this.destinations.reload(tenant);
    if (!this.destinations.get(tenant)) throw new JobError(409, 'this organisation has no archive configured (or it is disabled)');
    const active = await this.jobs.count({ where: { tenant, state: In(ACTIVE) } });
    if (active >= this.config.ARCHIVE_REHYDRATION_MAX_ACTIVE_PER_TENANT) {
      throw new JobError(429, `${active} rehydration jobs are already queued or running; wait for one to finish or cancel one`);
    }
    const id = ulid().toLowerCase();
    return this.jobs.save(this.jobs.create({
      id,
      tenant,
      state: 'queued',
      rangeFrom: new Date(from),
      rangeTo: new Date(to),
      query: request.query ?? '',
      indexName: rehydratedIndexName(tenant, id),
      requestedBy: request.requestedBy.slice(0, 200),
      progress: emptyProgress(hours),
      problems: [],
      error: null,
      checkpoint: null,
      attempts: 0,
      leaseOwner: null,
      leaseUntil: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      expiresAt: null,
      indexDeletedAt: null,
    }));
  }

  async get(tenant: string, id: string): Promise<RehydrationJob> {
    const job = await this.jobs.findOneBy({ tenant, id });
    if (!job) throw new JobError(404, `no rehydration job ${id}`);
    return job;
  }

  list(tenant: string): Promise<RehydrationJob[]> {
    return this.jobs.find({ where: { tenant }, order: { createdAt: 'DESC' }, take: 100 });
  }

  /**
   * Cancel a queued or running job (its worker stops at the next object and removes the index),
   * or remove a finished job's index now. Idempotent.
   */
  async cancel(tenant: string, id: string): Promise<{ job: RehydrationJob; deleteIndexNow: boolean }> {
    const job = await this.get(tenant, id);
    if (job.state === 'queued' || job.state === 'running') {
      await this.jobs.update({ tenant, id, state: In(ACTIVE) }, { state: 'cancelled', finishedAt: new Date() });
      return { job: await this.get(tenant, id), deleteIndexNow: job.state === 'queued' };
    }
    if (job.state === 'succeeded' || job.state === 'failed') {
      await this.jobs.update({ tenant, id, state: job.state }, { state: 'deleted', expiresAt: new Date() });
      return { job: await this.get(tenant, id), deleteIndexNow: true };
    }
    return { job, deleteIndexNow: false };
  }

  /** Take the oldest queued job, or a running one whose worker stopped renewing its lease. */
  async claim(owner: string): Promise<RehydrationJob | undefined> {
    const rows: Array<{ id: string }> = await this.jobs.query(
      `UPDATE rehydration_jobs SET state = 'running', lease_owner = $1, lease_until = now() + ($2 || ' milliseconds')::interval,
              started_at = coalesce(started_at, now()), attempts = attempts + 1
        WHERE id = (SELECT id FROM rehydration_jobs
                     WHERE state = 'queued' OR (state = 'running' AND lease_until < now())
                     ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [owner, String(this.config.ARCHIVE_REHYDRATION_LEASE_MS)],
    );
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const id = (Array.isArray(rows[0]) ? (rows[0] as Array<{ id: string }>)[0]?.id : rows[0]?.id) ?? undefined;
    return id ? (await this.jobs.findOneBy({ id })) ?? undefined : undefined;
  }

  /** Save progress and renew the lease; false when the job is no longer ours (cancelled, taken over). */
  async saveProgress(job: RehydrationJob, owner: string, progress: RehydrationProgress, problems: RehydrationProblem[], checkpoint: string | null): Promise<boolean> {
    const result = await this.jobs.query(
      `UPDATE rehydration_jobs SET progress = $1, problems = $2, checkpoint = $3, lease_until = now() + ($4 || ' milliseconds')::interval
        WHERE id = $5 AND state = 'running' AND lease_owner = $6`,
      [JSON.stringify(progress), JSON.stringify(problems.slice(0, MAX_PROBLEMS)), checkpoint, String(this.config.ARCHIVE_REHYDRATION_LEASE_MS), job.id, owner],
    );
    return affected(result) > 0;
  }

  async finish(job: RehydrationJob, owner: string, state: 'succeeded' | 'failed', progress: RehydrationProgress, problems: RehydrationProblem[], error?: string): Promise<boolean> {
    const result = await this.jobs.query(
      `UPDATE rehydration_jobs SET state = $1, progress = $2, problems = $3, error = $4, finished_at = now(),
              expires_at = now() + ($5 || ' seconds')::interval, lease_owner = NULL, lease_until = NULL
        WHERE id = $6 AND state = 'running' AND lease_owner = $7`,
      [state, JSON.stringify(progress), JSON.stringify(problems.slice(0, MAX_PROBLEMS)), error ?? null, String(this.config.ARCHIVE_REHYDRATION_TTL_SECONDS), job.id, owner],
    );
    return affected(result) > 0;
  }

  /** Let go of a job (cancelled under us, or shutting down): another replica may take it. */
  async release(job: RehydrationJob, owner: string): Promise<void> {
    // A job let go of on purpose does not count as an attempt that crashed.
    await this.jobs.query(
      `UPDATE rehydration_jobs SET lease_owner = NULL, lease_until = now(), attempts = greatest(attempts - 1, 0) WHERE id = $1 AND lease_owner = $2`,
      [job.id, owner],
    );
  }

  /** Jobs whose index must go: expired, cancelled (once no worker holds them) or deleted. */
  indicesToDelete(limit = 100): Promise<RehydrationJob[]> {
    return this.jobs
      .createQueryBuilder('j')
      .where('j.index_deleted_at IS NULL')
      .andWhere(
        `((j.state IN ('succeeded', 'failed') AND j.expires_at < now())
          OR (j.state IN ('cancelled', 'deleted') AND (j.lease_until IS NULL OR j.lease_until < now())))`,
      )
      .orderBy('j.expires_at', 'ASC', 'NULLS FIRST')
      .limit(limit)
      .getMany();
  }

  async markIndexDeleted(job: RehydrationJob): Promise<void> {
    await this.jobs.query(
      `UPDATE rehydration_jobs SET index_deleted_at = now(), state = CASE WHEN state IN ('succeeded', 'failed') THEN 'expired' ELSE state END WHERE id = $1`,
      [job.id],
    );
  }

  byIds(ids: string[]): Promise<RehydrationJob[]> {
    return ids.length ? this.jobs.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** Give up on jobs that keep crashing their worker. */
  async failAbandoned(maxAttempts: number): Promise<void> {
    await this.jobs.query(
      `UPDATE rehydration_jobs SET state = 'failed', error = 'gave up after ' || attempts || ' attempts', finished_at = now(),
              expires_at = now() + ($1 || ' seconds')::interval, lease_owner = NULL, lease_until = NULL
        WHERE state = 'running' AND lease_until < now() AND attempts >= $2`,
      [String(this.config.ARCHIVE_REHYDRATION_TTL_SECONDS), maxAttempts],
    );
  }
}

/** Rows touched by a raw UPDATE (TypeORM's postgres driver answers [rows, count]). */
function affected(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') return result[1];
  return (result as { rowCount?: number })?.rowCount ?? 0;
}
