import {
  BadRequestException, ConflictException, Inject, Injectable, NotFoundException,
  type OnApplicationBootstrap, type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ConfigPublisher, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { ArchiveConfigEntity } from './archive-config.entity';
import type { ArchiveConfigItem, ArchiveDestination, DestinationSecret, S3Destination } from '@millrace/archive-contract';
import { insideRoot, storedDestination, type ArchiveInput } from './destination-schema';
import { outboundPolicy, OutboundRefusedError, type OutboundPolicy } from '@millrace/outbound-policy';
import { Sealer } from '@millrace/sealing';
import { SEAL_CONTEXT } from '../database/sealed-columns';

/** What the API returns: the destination without its secret, and whether one is stored. */
export interface ArchiveView {
  tenant: string;
  enabled: boolean;
  version: number;
  destination: ArchiveDestination & { hasSecret?: boolean };
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

function present(row: ArchiveConfigEntity): ArchiveView {
  return {
    tenant: row.tenant,
    enabled: row.enabled,
    version: row.version,
    destination: row.destination.type === 's3' ? { ...row.destination, hasSecret: row.sealedSecret !== null } : row.destination,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toItem(row: ArchiveConfigEntity): ArchiveConfigItem {
  return {
    tenant: row.tenant,
    version: row.version,
    enabled: row.enabled,
    destination: row.destination,
    ...(row.sealedSecret ? { sealedSecret: row.sealedSecret } : {}),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Tenant archive destinations: stored here (one per tenant), credentials sealed before they touch
 * the database, served to the archiver as configuration kind `archives` and announced on change.
 * The archiver opens the sealed credentials with its own copy of SEALING_KEY, so they never
 * travel in clear.
 */
@Injectable()
export class ArchivesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private feed?: ConfigPublisher<ArchiveConfigItem>;
  private readonly sealer: Sealer;
  /** ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: where S3 endpoints may point (the archiver checks again on every connection). */
  private readonly outbound: OutboundPolicy;

  constructor(
    @InjectRepository(ArchiveConfigEntity) private readonly configs: Repository<ArchiveConfigEntity>,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {
    this.sealer = new Sealer(config.SEALING_KEY, config.SEALING_OLD_KEYS);
    this.outbound = outboundPolicy('archives', config);
  }

  onApplicationBootstrap(): void {
    this.feed = new ConfigPublisher<ArchiveConfigItem>(this.nc, 'archives', async (tenant) =>
      (await this.configs.find({ where: tenant ? { tenant } : {} })).map(toItem));
    this.feed.start();
  }

  onApplicationShutdown(): void {
    this.feed?.stop();
  }

  async get(tenant: string): Promise<ArchiveView> {
    return present(await this.row(tenant));
  }

  /** Create (refused when one exists) or, with `replace`, create or update. */
  async save(tenant: string, input: ArchiveInput, actor: string, mode: 'create' | 'replace'): Promise<{ view: ArchiveView; created: boolean }> {
    const existing = await this.configs.findOneBy({ tenant });
    if (existing && mode === 'create') throw new ConflictException('this organisation already has an archive; update it with PUT /v1/archives');
    const destination = storedDestination(input.destination);
    await this.check(destination);
    let sealedSecret: string | null = null;
    if (input.destination.type === 's3') {
      const given = input.destination.secretAccessKey;
      if (given) {
        sealedSecret = this.sealer.sealJson(SEAL_CONTEXT.archiveSecret(tenant), { secretAccessKey: given } satisfies DestinationSecret);
      } else {
        const previous = existing?.destination.type === 's3' ? existing.destination : undefined;
        if (!previous || !existing?.sealedSecret) throw new BadRequestException('destination.secretAccessKey is required');
        const next = destination as S3Destination;
        if (previous.accessKeyId !== next.accessKeyId || (previous.endpoint ?? '') !== (next.endpoint ?? '')) {
          throw new BadRequestException('destination.secretAccessKey is required again when the endpoint or the access key id changes');
        }
        sealedSecret = existing.sealedSecret;
      }
    }
    const row = this.configs.create({
      tenant,
      version: (existing?.version ?? 0) + 1,
      enabled: input.enabled,
      destination,
      sealedSecret,
      createdBy: existing?.createdBy ?? actor,
      updatedBy: actor,
      ...(existing ? { createdAt: existing.createdAt } : {}),
    });
    const saved = await this.configs.save(row);
    this.feed?.changed(tenant);
    return { view: present(saved), created: !existing };
  }

  async remove(tenant: string): Promise<void> {
    const result = await this.configs.delete({ tenant });
    if (!result.affected) throw new NotFoundException('this organisation has no archive');
    this.feed?.changed(tenant);
  }

  private async row(tenant: string): Promise<ArchiveConfigEntity> {
    const row = await this.configs.findOneBy({ tenant });
    if (!row) throw new NotFoundException('this organisation has no archive');
    return row;
  }

  private async check(destination: ArchiveDestination): Promise<void> {
    if (destination.type === 'filesystem') {
      if (!this.config.ARCHIVE_FS_ROOT) throw new BadRequestException('filesystem destinations are not enabled on this installation (ARCHIVE_FS_ROOT)');
      if (!insideRoot(this.config.ARCHIVE_FS_ROOT, destination.path)) throw new BadRequestException('destination.path must stay inside the archive root');
      return;
    }
    if (!destination.endpoint) return;
    try {
      await this.outbound.checkUrl(destination.endpoint);
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw new BadRequestException(`destination.endpoint: ${error.message}`);
      throw error;
    }
  }
}
