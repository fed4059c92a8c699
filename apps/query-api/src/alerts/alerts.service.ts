import {
  BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException,
  type OnModuleDestroy, type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import type { z } from 'zod';
import { ConfigPublisher, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import type { Principal } from '@millrace/auth-token';
import { validate as validateInput } from '@millrace/service-kit';
import { outboundPolicy, OutboundRefusedError, type OutboundPolicy } from '@millrace/outbound-policy';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { AlertEntity } from './alert.entity';
import {
  alertInputSchema, inheritSecrets, normalise, redactChannel, ruleVersion, type AlertInput, type StoredChannel,
} from './alert-schema';

/** Request-reply subjects the alerter answers (its own, see apps/alerter/src/rpc/subjects.ts). */

/** The alert as the alerter receives it on the `alerts` feed, secrets included. */
export interface AlertFeedItem {
  tenant: string;
  id: string;
  name: string;
  kind: string;
  query: string;
  enabled: boolean;
  mutedUntil: number | null;
  version: number;
  channels: StoredChannel[];
  [setting: string]: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validate(body: unknown): AlertInput {
  return validateInput(alertInputSchema, body, 'body');
}

/**
 * Alert definitions: stored in the query-api's schema, always per tenant, and handed to the
 * alerter through the `alerts` configuration feed (a change is announced at once).
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly publisher: ConfigPublisher<AlertFeedItem>;
  /** CHANNEL_ALLOW_PRIVATE_NETWORKS: where channels may point. */
  private readonly outbound: OutboundPolicy;

  constructor(
    @InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {
    this.outbound = outboundPolicy('channels', config);
    this.publisher = new ConfigPublisher<AlertFeedItem>(nc, 'alerts', async (tenant) => {
      const rows = await this.alerts.find({ where: tenant ? { tenant } : {}, order: { createdAt: 'ASC' } });
      return rows.map((r) => this.feedItem(r));
    });
  }

  onModuleInit(): void {
    this.publisher.start();
  }

  onModuleDestroy(): void {
    this.publisher.stop();
  }

  feedItem(row: AlertEntity): AlertFeedItem {
    return {
      ...row.settings,
      tenant: row.tenant, id: row.id, name: row.name, kind: row.kind, query: row.query, enabled: row.enabled,
      mutedUntil: row.mutedUntil ? row.mutedUntil.getTime() : null,
      version: ruleVersion(row),
      channels: row.channels,
    };
  }

  /** The alert as the API shows it: never a secret. */
  view(row: AlertEntity): Record<string, unknown> {
    const muted = row.mutedUntil !== null && row.mutedUntil.getTime() > Date.now();
    return {
      id: row.id, name: row.name, kind: row.kind, query: row.query, enabled: row.enabled,
      ...row.settings,
      mutedUntil: row.mutedUntil ? row.mutedUntil.toISOString() : null, muted,
      channels: row.channels.map(redactChannel),
      createdBy: row.createdBy, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
    };
  }

  async list(tenant: string): Promise<AlertEntity[]> {
    return this.alerts.find({ where: { tenant }, order: { createdAt: 'ASC' } });
  }

  /** Another tenant's alert is as absent as one that never existed. */
  async get(tenant: string, id: string): Promise<AlertEntity> {
    const row = UUID.test(id) ? await this.alerts.findOneBy({ tenant, id }) : null;
    if (!row) throw new NotFoundException(`alert ${id} not found`);
    return row;
  }

  async create(principal: Principal, body: unknown): Promise<AlertEntity> {
    const n = this.normalised(validate(body));
    await this.checkChannels(n.channels);
    if ((await this.alerts.countBy({ tenant: principal.tenant })) >= this.config.ALERTS_MAX_PER_TENANT) {
      throw new ConflictException(`an organisation may have at most ${this.config.ALERTS_MAX_PER_TENANT} alerts`);
    }
    const row = await this.save(this.alerts.create({
      tenant: principal.tenant, name: n.name, kind: n.kind, query: n.query, settings: n.settings, channels: n.channels,
      enabled: n.enabled, mutedUntil: n.mutedUntil ?? null,
      createdBy: principal.userId ?? principal.keyId ?? principal.kind,
    }));
    this.publisher.changed(principal.tenant);
    return row;
  }

  /** Merge the changes into the alert as stored, validate the whole, keep omitted secrets. */
  async update(tenant: string, id: string, patch: unknown): Promise<AlertEntity> {
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new BadRequestException('the body must be a JSON object of the fields to change');
    const row = await this.get(tenant, id);
    const current: Record<string, unknown> = {
      ...row.settings, name: row.name, kind: row.kind, query: row.query, enabled: row.enabled,
      mutedUntil: row.mutedUntil ? row.mutedUntil.toISOString() : null, channels: row.channels,
    };
    const changes = { ...(patch as Record<string, unknown>) };
    if ('channels' in changes) changes.channels = inheritSecrets(changes.channels, row.channels);
    const merged: Record<string, unknown> = { ...current, ...changes };
    // Settings of another kind do not carry over when the kind changes.
    if (changes.kind && changes.kind !== row.kind) for (const key of Object.keys(row.settings)) if (!(key in changes)) delete merged[key];
    for (const [key, value] of Object.entries(changes)) if (value === null && key !== 'mutedUntil') delete merged[key];
    const n = this.normalised(validate(merged));
    await this.checkChannels(n.channels);
    Object.assign(row, { name: n.name, kind: n.kind, query: n.query, settings: n.settings, channels: n.channels, enabled: n.enabled, mutedUntil: n.mutedUntil ?? null });
    const saved = await this.save(row);
    this.publisher.changed(tenant);
    return saved;
  }

  async remove(tenant: string, id: string): Promise<void> {
    const row = await this.get(tenant, id);
    await this.alerts.delete({ tenant, id: row.id });
    this.publisher.changed(tenant);
  }

  async setEnabled(tenant: string, id: string, enabled: boolean): Promise<AlertEntity> {
    const row = await this.get(tenant, id);
    row.enabled = enabled;
    const saved = await this.alerts.save(row);
    this.publisher.changed(tenant);
    return saved;
  }

  async mute(tenant: string, id: string, until: Date | null): Promise<AlertEntity> {
    const row = await this.get(tenant, id);
    row.mutedUntil = until;
    const saved = await this.alerts.save(row);
    this.publisher.changed(tenant);
    return saved;
  }

  /** Validate a definition that is not stored (for a dry run of an alert being written). */
  draft(tenant: string, body: unknown): AlertFeedItem {
    const n = this.normalised(validate(body));
    const row = this.alerts.create({ id: '00000000-0000-4000-8000-000000000000', tenant, name: n.name, kind: n.kind, query: n.query, settings: n.settings, channels: [], enabled: true, mutedUntil: null });
    return this.feedItem(row);
  }

  /** Ask the alerter (request-reply): history of an alert, or a dry run. */
  async askAlerter(subject: string, request: object, timeoutMs: number): Promise<unknown> {
    let reply: { ok: boolean; result?: unknown; status?: number; message?: string };
    try {
      const msg = await this.nc.request(subject, encoder.encode(JSON.stringify(request)), { timeout: timeoutMs });
      reply = JSON.parse(decoder.decode(msg.data));
    } catch (error) {
      this.logger.warn(`${subject}: ${(error as Error).message}`);
      throw new ServiceUnavailableException({ message: 'the alerter did not answer; try again shortly', retryAfterSeconds: 5 });
    }
    if (reply.ok) return reply.result;
    if (reply.status === 400) throw new BadRequestException(reply.message);
    throw new ServiceUnavailableException({ message: reply.message ?? 'the alerter could not answer', retryAfterSeconds: 5 });
  }

  /** Channel targets are checked by the outbound policy when saved (the alerter checks again when it connects). */
  private async checkChannels(channels: StoredChannel[]): Promise<void> {
    for (const [i, c] of channels.entries()) {
      const target = c.type === 'webhook' || c.type === 'slack' ? { field: 'url', check: () => this.outbound.checkUrl(c.url) }
        : c.type === 'email' && c.smtp ? { field: 'smtp.host', check: () => this.outbound.checkHost(c.smtp!.host) } : undefined;
      if (!target) continue;
      const field = target.field;
      try {
        await target.check();
      } catch (error) {
        if (error instanceof OutboundRefusedError) throw new BadRequestException(`channels[${i}].${field}: ${error.message}`);
        throw error;
      }
    }
  }

  private normalised(input: AlertInput): ReturnType<typeof normalise> {
    try {
      return normalise(input);
    } catch (error) {
      throw new BadRequestException((error as Error).message);
    }
  }

  private async save(row: AlertEntity): Promise<AlertEntity> {
    try {
      return await this.alerts.save(row);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505') {
        throw new ConflictException(`an alert named "${row.name}" already exists`);
      }
      throw error;
    }
  }
}

export type AlertBody = z.input<typeof alertInputSchema>;
