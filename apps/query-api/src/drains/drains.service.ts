import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConfigPublisher, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { UUID } from '../routing/body';
import { DrainEntity } from './drain.entity';
import { outboundPolicy, type OutboundPolicy } from '@millrace/outbound-policy';
import { checkDrainUrl, maskDrainUrl } from './drain-url';

/** Drains per organisation. */
export const MAX_DRAINS_PER_TENANT = 20;
/** Answered by the broker-router (apps/broker-router/src/drains/drain-manager.ts). */
export const DRAIN_STATUS_SUBJECT = 'router.drains.status';

export interface DrainInput {
  name: string;
  url: string;
  format?: 'logplex' | 'json';
  query?: string;
  enabled?: boolean;
}

export interface DrainStatus {
  delivered: number;
  failed: number;
  dropped: number;
  buffered: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
}

export interface DrainOutput {
  id: string;
  name: string;
  /** Credentials (user info, query values) masked. */
  url: string;
  transport: string;
  format: 'logplex' | 'json' | null;
  query: string;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Delivery status from the broker-router; null when it cannot be asked right now. */
  status?: DrainStatus | null;
}

/** What the broker-router receives on the `drains` feed: enabled drains, full URL. */
export interface DrainFeedItem {
  id: string;
  tenant: string;
  name: string;
  url: string;
  format?: 'logplex' | 'json';
  query?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Drains of one organisation (scoped by the caller's tenant) and the `drains` configuration feed. */
@Injectable()
export class DrainsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Drains');
  private readonly publisher: ConfigPublisher<DrainFeedItem>;
  /** DRAINS_ALLOW_PRIVATE_TARGETS: where drains may point (the broker-router checks again on every connection). */
  private readonly outbound: OutboundPolicy;

  constructor(
    @InjectRepository(DrainEntity) private readonly drains: Repository<DrainEntity>,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(QUERY_API_CONFIG) config: QueryApiConfig,
  ) {
    this.outbound = outboundPolicy('drains', config);
    this.publisher = new ConfigPublisher<DrainFeedItem>(nc, 'drains', async (tenant) => {
      const rows = await this.drains.find({ where: tenant ? { tenant, enabled: true } : { enabled: true }, order: { createdAt: 'ASC' } });
      return rows.map((d) => ({ id: d.id, tenant: d.tenant, name: d.name, url: d.url, ...(d.format ? { format: d.format } : {}), ...(d.query ? { query: d.query } : {}) }));
    });
  }

  onModuleInit(): void {
    this.publisher.start();
  }

  onModuleDestroy(): void {
    this.publisher.stop();
  }

  private present(d: DrainEntity, status?: DrainStatus | null): DrainOutput {
    return {
      id: d.id, name: d.name, url: maskDrainUrl(d.url), transport: checkDrainUrl(d.url).transport, format: d.format, query: d.query,
      enabled: d.enabled, createdBy: d.createdBy, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString(),
      ...(status !== undefined ? { status } : {}),
    };
  }

  async list(tenant: string): Promise<DrainOutput[]> {
    const rows = await this.drains.find({ where: { tenant }, order: { createdAt: 'ASC' } });
    const statuses = rows.length ? await this.statuses(tenant) : null;
    return rows.map((d) => this.present(d, statuses ? statuses[d.id] ?? emptyStatus() : null));
  }

  async get(tenant: string, id: string): Promise<DrainOutput> {
    const drain = await this.find(tenant, id);
    const statuses = await this.statuses(tenant, [drain.id]);
    return this.present(drain, statuses ? statuses[drain.id] ?? emptyStatus() : null);
  }

  async create(tenant: string, createdBy: string, input: DrainInput): Promise<DrainOutput> {
    if ((await this.drains.countBy({ tenant })) >= MAX_DRAINS_PER_TENANT) throw new BadRequestException(`an organisation can have at most ${MAX_DRAINS_PER_TENANT} drains`);
    await this.ensureNameFree(tenant, input.name);
    const format = await this.checkTarget(input.url, input.format);
    const drain = await this.drains.save(this.drains.create({
      tenant, name: input.name, url: input.url, format, query: input.query ?? '', enabled: input.enabled ?? true, createdBy,
    }));
    this.publisher.changed(tenant);
    return this.present(drain, emptyStatus());
  }

  async update(tenant: string, id: string, input: Partial<DrainInput>): Promise<DrainOutput> {
    const drain = await this.find(tenant, id);
    if (input.name !== undefined && input.name !== drain.name) await this.ensureNameFree(tenant, input.name);
    // A masked URL sent back unchanged (e.g. by a form that showed it) keeps the stored one.
    const url = input.url === undefined || input.url === maskDrainUrl(drain.url) ? drain.url : input.url;
    const format = await this.checkTarget(url, input.format ?? drain.format ?? undefined);
    Object.assign(drain, {
      url, format,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.query !== undefined ? { query: input.query } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    });
    const saved = await this.drains.save(drain);
    this.publisher.changed(tenant);
    return this.get(tenant, saved.id);
  }

  async remove(tenant: string, id: string): Promise<void> {
    const drain = await this.find(tenant, id);
    await this.drains.delete({ tenant, id: drain.id });
    this.publisher.changed(tenant);
  }

  /** Validate the target; returns the format to store (null for syslog). */
  private async checkTarget(url: string, format: 'logplex' | 'json' | undefined): Promise<'logplex' | 'json' | null> {
    let checked;
    try {
      checked = checkDrainUrl(url);
      await this.outbound.checkHost(checked.host);
    } catch (error) {
      throw new BadRequestException(`url: ${(error as Error).message}`);
    }
    if (checked.transport.startsWith('syslog')) {
      if (format) throw new BadRequestException('format: syslog drains always send RFC 5424 frames; format applies to HTTP drains');
      return null;
    }
    return format ?? 'logplex';
  }

  /** Ask the broker-router for delivery status; null when no router answers in time. */
  private async statuses(tenant: string, ids?: string[]): Promise<Record<string, DrainStatus> | null> {
    try {
      const reply = await this.nc.request(DRAIN_STATUS_SUBJECT, encoder.encode(JSON.stringify({ tenant, ids })), { timeout: 2000 });
      const body = JSON.parse(decoder.decode(reply.data)) as { drains?: Record<string, DrainStatus>; error?: string };
      if (!body.drains) throw new Error(body.error ?? 'no status');
      return body.drains;
    } catch (error) {
      this.logger.warn(`drain status unavailable: ${(error as Error).message}`);
      return null;
    }
  }

  private async find(tenant: string, id: string): Promise<DrainEntity> {
    const drain = UUID.test(id) ? await this.drains.findOneBy({ tenant, id }) : null;
    if (!drain) throw new NotFoundException(`drain ${id} not found`);
    return drain;
  }

  private async ensureNameFree(tenant: string, name: string): Promise<void> {
    if (await this.drains.existsBy({ tenant, name })) throw new ConflictException(`a drain named "${name}" already exists`);
  }
}

function emptyStatus(): DrainStatus {
  return { delivered: 0, failed: 0, dropped: 0, buffered: 0, lastError: null, lastErrorAt: null, lastSuccessAt: null };
}
