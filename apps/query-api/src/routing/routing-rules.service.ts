import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConfigPublisher, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { RoutingRuleEntity } from './routing-rule.entity';
import { UUID } from './body';

/** Rules per organisation: every one runs on every line of the tenant in the router. */
export const MAX_RULES_PER_TENANT = 100;

export interface RuleInput {
  name: string;
  kind: 'exclude' | 'sample';
  query: string;
  action?: 'drop' | 'noIndex';
  rate?: number;
  enabled?: boolean;
}

export interface RuleOutput {
  id: string;
  name: string;
  kind: 'exclude' | 'sample';
  query: string;
  action?: 'drop' | 'noIndex';
  rate?: number;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What the broker-router receives on the `routing-rules` feed (enabled rules only). */
export interface RoutingRuleFeedItem {
  id: string;
  tenant: string;
  name: string;
  kind: 'exclude' | 'sample';
  query: string;
  action?: 'drop' | 'noIndex';
  rate?: number;
}

function present(r: RoutingRuleEntity): RuleOutput {
  return {
    id: r.id, name: r.name, kind: r.kind, query: r.query,
    ...(r.kind === 'exclude' ? { action: r.action ?? 'drop' } : { rate: r.rate ?? undefined }),
    enabled: r.enabled, createdBy: r.createdBy, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}

/**
 * Routing rules of one organisation (every query scoped by the caller's tenant), and the
 * `routing-rules` configuration feed: every change is announced, so the routers apply it within
 * a second or so.
 */
@Injectable()
export class RoutingRulesService implements OnModuleInit, OnModuleDestroy {
  private readonly publisher: ConfigPublisher<RoutingRuleFeedItem>;

  constructor(
    @InjectRepository(RoutingRuleEntity) private readonly rules: Repository<RoutingRuleEntity>,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
  ) {
    this.publisher = new ConfigPublisher<RoutingRuleFeedItem>(nc, 'routing-rules', async (tenant) => {
      const rows = await this.rules.find({ where: tenant ? { tenant, enabled: true } : { enabled: true }, order: { createdAt: 'ASC' } });
      return rows.map((r) => ({
        id: r.id, tenant: r.tenant, name: r.name, kind: r.kind, query: r.query,
        ...(r.kind === 'exclude' ? { action: r.action ?? 'drop' } : { rate: r.rate ?? 2 }),
      }));
    });
  }

  onModuleInit(): void {
    this.publisher.start();
  }

  onModuleDestroy(): void {
    this.publisher.stop();
  }

  async list(tenant: string): Promise<RuleOutput[]> {
    return (await this.rules.find({ where: { tenant }, order: { createdAt: 'ASC' } })).map(present);
  }

  async get(tenant: string, id: string): Promise<RuleOutput> {
    return present(await this.find(tenant, id));
  }

  async create(tenant: string, createdBy: string, input: RuleInput): Promise<RuleOutput> {
    if ((await this.rules.countBy({ tenant })) >= MAX_RULES_PER_TENANT) throw new BadRequestException(`an organisation can have at most ${MAX_RULES_PER_TENANT} routing rules`);
    await this.ensureNameFree(tenant, input.name);
    const rule = await this.rules.save(this.rules.create({
      tenant, name: input.name, kind: input.kind, query: input.query,
      action: input.kind === 'exclude' ? input.action ?? 'drop' : null,
      rate: input.kind === 'sample' ? input.rate ?? null : null,
      enabled: input.enabled ?? true, createdBy,
    }));
    this.publisher.changed(tenant);
    return present(rule);
  }

  async update(tenant: string, id: string, input: Partial<RuleInput>): Promise<RuleOutput> {
    const rule = await this.find(tenant, id);
    if (input.name !== undefined && input.name !== rule.name) await this.ensureNameFree(tenant, input.name);
    const kind = input.kind ?? rule.kind;
    if (kind === 'sample' && input.action) throw new BadRequestException('action: sampling rules have a rate, not an action');
    if (kind === 'exclude' && input.rate !== undefined) throw new BadRequestException('rate: exclusion rules have an action, not a rate');
    const rate = kind === 'sample' ? input.rate ?? rule.rate : null;
    if (kind === 'sample' && !rate) throw new BadRequestException('rate: a sampling rule needs a rate (keep one line in rate)');
    Object.assign(rule, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.query !== undefined ? { query: input.query } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      kind,
      action: kind === 'exclude' ? input.action ?? rule.action ?? 'drop' : null,
      rate,
    });
    const saved = await this.rules.save(rule);
    this.publisher.changed(tenant);
    return present(saved);
  }

  async remove(tenant: string, id: string): Promise<void> {
    const rule = await this.find(tenant, id);
    await this.rules.delete({ tenant, id: rule.id });
    this.publisher.changed(tenant);
  }

  private async find(tenant: string, id: string): Promise<RoutingRuleEntity> {
    // Another tenant's rule is indistinguishable from a missing one.
    const rule = UUID.test(id) ? await this.rules.findOneBy({ tenant, id }) : null;
    if (!rule) throw new NotFoundException(`routing rule ${id} not found`);
    return rule;
  }

  private async ensureNameFree(tenant: string, name: string): Promise<void> {
    if (await this.rules.existsBy({ tenant, name })) throw new ConflictException(`a routing rule named "${name}" already exists`);
  }
}
