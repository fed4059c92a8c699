import { HttpException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { ARCHIVE_SUBJECTS, type ArchiveReply, type CreateRehydrationRequest, type DestinationStatusView, type RehydrationJobView } from '@millrace/archive-contract';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TIMEOUT_MS = 5000;

/**
 * The archiver's request-reply subjects. The tenant sent is always the caller's verified
 * principal's: the archiver scopes every job query by it.
 */
@Injectable()
export class ArchiverClient {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  createRehydration(request: CreateRehydrationRequest): Promise<RehydrationJobView> {
    return this.ask(ARCHIVE_SUBJECTS.createRehydration, request);
  }

  getRehydration(tenant: string, id: string): Promise<RehydrationJobView> {
    return this.ask(ARCHIVE_SUBJECTS.getRehydration, { tenant, id });
  }

  listRehydrations(tenant: string): Promise<RehydrationJobView[]> {
    return this.ask(ARCHIVE_SUBJECTS.listRehydrations, { tenant });
  }

  cancelRehydration(tenant: string, id: string): Promise<RehydrationJobView> {
    return this.ask(ARCHIVE_SUBJECTS.cancelRehydration, { tenant, id });
  }

  destinationStatus(tenant: string): Promise<DestinationStatusView> {
    return this.ask(ARCHIVE_SUBJECTS.destinationStatus, { tenant });
  }

  private async ask<T>(subject: string, request: object): Promise<T> {
    let reply: ArchiveReply<T>;
    try {
      const msg = await this.nc.request(subject, encoder.encode(JSON.stringify(request)), { timeout: TIMEOUT_MS });
      reply = JSON.parse(decoder.decode(msg.data)) as ArchiveReply<T>;
    } catch {
      throw new ServiceUnavailableException({ message: 'the archiver is not answering; try again shortly', retryAfterSeconds: 5 });
    }
    if (reply.ok) return reply.value;
    throw new HttpException({ message: reply.message }, reply.status);
  }
}
