import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Client } from '@opensearch-project/opensearch';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { isTenantId } from '@millrace/log-schema';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { REHYDRATION_JOB_ID_PATTERN } from '@millrace/search-index';
import {
  ARCHIVE_SUBJECTS, type ArchiveReply, type CreateRehydrationRequest, type DestinationStatusView, type JobRequest,
  type RehydrationJobView, type TenantRequest,
} from '@millrace/archive-contract';
import { Destinations } from '../archive/destinations';
import { JobError, JobsService, toView } from './jobs.service';
import { deleteIndex } from './rehydrated-index';
import { RehydrationWorker } from './rehydration.worker';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The archiver's request-reply subjects (queue group `archiver`, like the config feed's): the
 * query-api creates, reads, lists and cancels rehydration jobs and asks for a destination's
 * health. The tenant in every request is the query-api's verified principal; every query here
 * is scoped by it.
 */
@Injectable()
export class ArchiveRpc implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ArchiveRpc');
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(OPENSEARCH_CLIENT) private readonly client: Client,
    private readonly jobs: JobsService,
    private readonly worker: RehydrationWorker,
    private readonly destinations: Destinations,
  ) {}

  onApplicationBootstrap(): void {
    this.serve<CreateRehydrationRequest, RehydrationJobView>(ARCHIVE_SUBJECTS.createRehydration, async (r) => {
      if (typeof r.query !== 'string' || typeof r.requestedBy !== 'string') throw new JobError(400, 'malformed request');
      const job = await this.jobs.create(r);
      this.worker.poke();
      return toView(job);
    });
    this.serve<JobRequest, RehydrationJobView>(ARCHIVE_SUBJECTS.getRehydration, async (r) => toView(await this.jobs.get(r.tenant, jobId(r.id))));
    this.serve<TenantRequest, RehydrationJobView[]>(ARCHIVE_SUBJECTS.listRehydrations, async (r) => (await this.jobs.list(r.tenant)).map(toView));
    this.serve<JobRequest, RehydrationJobView>(ARCHIVE_SUBJECTS.cancelRehydration, async (r) => {
      const { job, deleteIndexNow } = await this.jobs.cancel(r.tenant, jobId(r.id));
      if (deleteIndexNow) {
        await deleteIndex(this.client, job.indexName);
        await this.jobs.markIndexDeleted(job);
      }
      return toView(await this.jobs.get(r.tenant, job.id));
    });
    this.serve<TenantRequest, DestinationStatusView>(ARCHIVE_SUBJECTS.destinationStatus, async (r) => this.destinations.status(r.tenant));
  }

  onApplicationShutdown(): void {
    for (const sub of this.subscriptions) sub.unsubscribe();
  }

  private serve<Q extends { tenant: string }, A>(subject: string, handle: (request: Q) => Promise<A>): void {
    this.subscriptions.push(this.nc.subscribe(subject, {
      queue: 'archiver',
      callback: (error, msg) => {
        if (error) return;
        void this.answer(msg, handle);
      },
    }));
  }

  private async answer<Q extends { tenant: string }, A>(msg: Msg, handle: (request: Q) => Promise<A>): Promise<void> {
    let reply: ArchiveReply<A>;
    try {
      const request = JSON.parse(decoder.decode(msg.data)) as Q;
      if (!request || typeof request.tenant !== 'string' || !isTenantId(request.tenant)) throw new JobError(400, 'malformed request: no tenant');
      reply = { ok: true, value: await handle(request) };
    } catch (error) {
      if (error instanceof JobError) reply = { ok: false, status: error.status, message: error.message };
      else {
        this.logger.error(`${msg.subject} failed: ${(error as Error).message}`);
        reply = { ok: false, status: error instanceof SyntaxError ? 400 : 500, message: error instanceof SyntaxError ? 'malformed request' : 'internal error' };
      }
    }
    try {
      msg.respond(encoder.encode(JSON.stringify(reply)));
    } catch {
      /* the requester is gone */
    }
  }
}

function jobId(id: unknown): string {
  if (typeof id !== 'string' || !REHYDRATION_JOB_ID_PATTERN.test(id)) throw new JobError(404, `no rehydration job ${String(id).slice(0, 40)}`);
  return id;
}
