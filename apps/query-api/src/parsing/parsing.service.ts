import { ConflictException, Inject, Injectable, NotFoundException, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PARSER_SUBJECTS } from '@millrace/log-schema';
import { ConfigPublisher, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import type { Subscription } from '@nats-io/transport-node';
import { ParsingRuleEntity, RedactionSettingsEntity } from './parsing-rule.entity';
import { checkQuery } from '@millrace/service-kit';
import type { RedactionInput, RuleInput, RuleOutput } from './dto';
import { ParserClient } from './parser-client';

export type { RuleOutput } from './dto';

export const DEFAULT_REDACTION: Omit<RedactionInput, never> = { email: true, creditCard: true, ipv4: false, ipv6: false, custom: [] };

function present(rule: ParsingRuleEntity): RuleOutput {
  return {
    id: rule.id, name: rule.name, app: rule.app, query: rule.query,
    pattern: { kind: rule.patternKind, source: rule.pattern, ignoreCase: rule.ignoreCase },
    fieldTypes: rule.fieldTypes, position: rule.position, enabled: rule.enabled, disabledReason: rule.disabledReason,
    createdAt: rule.createdAt.toISOString(), updatedAt: rule.updatedAt.toISOString(),
  };
}

/** The worker's view of a rule: what `config.parsing-rules.get` serves. */
function toItem(rule: ParsingRuleEntity) {
  return {
    tenant: rule.tenant, id: rule.id, name: rule.name, app: rule.app, query: rule.query,
    pattern: { kind: rule.patternKind, source: rule.pattern, ignoreCase: rule.ignoreCase },
    fieldTypes: rule.fieldTypes, position: rule.position, enabled: rule.enabled && !rule.disabledReason,
  };
}

const MAX_RULES_PER_TENANT = 200;

/**
 * Tenant parsing rules and redaction settings: stored here, checked by the parser-worker before
 * they are saved, served to the workers and announced on every change so they apply within seconds.
 */
@Injectable()
export class ParsingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private rulesFeed!: ConfigPublisher<ReturnType<typeof toItem>>;
  private redactionFeed!: ConfigPublisher<RedactionInput & { tenant: string }>;
  private disabled?: Subscription;

  constructor(
    @InjectRepository(ParsingRuleEntity) private readonly rules: Repository<ParsingRuleEntity>,
    @InjectRepository(RedactionSettingsEntity) private readonly redactions: Repository<RedactionSettingsEntity>,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly parser: ParserClient,
  ) {}

  onApplicationBootstrap(): void {
    this.rulesFeed = new ConfigPublisher(this.nc, 'parsing-rules', async (tenant) =>
      (await this.rules.find({ where: tenant ? { tenant } : {}, order: { position: 'ASC' } })).map(toItem));
    this.redactionFeed = new ConfigPublisher(this.nc, 'redaction', async (tenant) =>
      (await this.redactions.find({ where: tenant ? { tenant } : {} })).map((r) => ({ tenant: r.tenant, email: r.email, creditCard: r.creditCard, ipv4: r.ipv4, ipv6: r.ipv6, custom: r.custom })));
    this.rulesFeed.start();
    this.redactionFeed.start();
    // A worker that disabled a runaway rule reports it; the API shows the reason until the rule is saved again.
    this.disabled = this.nc.subscribe(PARSER_SUBJECTS.ruleDisabled, { queue: 'query-api-rule-disabled', callback: (error, msg) => {
      if (error) return;
      try {
        const { tenant, ruleId, reason } = JSON.parse(new TextDecoder().decode(msg.data)) as { tenant: string; ruleId: string; reason: string };
        void this.rules.update({ tenant, id: ruleId }, { disabledReason: String(reason).slice(0, 500) }).then(() => this.rulesFeed.changed(tenant)).catch(() => undefined);
      } catch {
        /* malformed report: ignore */
      }
    } });
  }

  onApplicationShutdown(): void {
    this.rulesFeed?.stop();
    this.redactionFeed?.stop();
    this.disabled?.unsubscribe();
  }

  async list(tenant: string): Promise<RuleOutput[]> {
    return (await this.rules.find({ where: { tenant }, order: { position: 'ASC', createdAt: 'ASC' } })).map(present);
  }

  async get(tenant: string, id: string): Promise<RuleOutput> {
    return present(await this.find(tenant, id));
  }

  async create(tenant: string, input: RuleInput): Promise<RuleOutput> {
    await this.check(tenant, input);
    if ((await this.rules.countBy({ tenant })) >= MAX_RULES_PER_TENANT) throw new ConflictException(`an organisation has at most ${MAX_RULES_PER_TENANT} parsing rules`);
    if (await this.rules.existsBy({ tenant, name: input.name })) throw new ConflictException(`a rule named "${input.name}" already exists`);
    const last = await this.rules.findOne({ where: { tenant }, order: { position: 'DESC' } });
    const rule = await this.rules.save(this.rules.create({
      tenant, name: input.name, app: input.app ?? null, query: input.query ?? null, patternKind: input.pattern.kind,
      pattern: input.pattern.source, ignoreCase: input.pattern.ignoreCase ?? false, fieldTypes: input.fieldTypes ?? {},
      position: input.position ?? (last ? last.position + 10 : 10), enabled: input.enabled ?? true, disabledReason: null,
    }));
    this.rulesFeed.changed(tenant);
    return present(rule);
  }

  async update(tenant: string, id: string, input: Partial<RuleInput>): Promise<RuleOutput> {
    const rule = await this.find(tenant, id);
    const merged: RuleInput = {
      name: input.name ?? rule.name,
      app: input.app !== undefined ? input.app : rule.app,
      query: input.query !== undefined ? input.query : rule.query,
      pattern: input.pattern ?? { kind: rule.patternKind, source: rule.pattern, ignoreCase: rule.ignoreCase },
      fieldTypes: input.fieldTypes ?? rule.fieldTypes as RuleInput['fieldTypes'],
      enabled: input.enabled ?? rule.enabled,
      position: input.position ?? rule.position,
    };
    await this.check(tenant, merged);
    if (merged.name !== rule.name && (await this.rules.existsBy({ tenant, name: merged.name }))) throw new ConflictException(`a rule named "${merged.name}" already exists`);
    Object.assign(rule, {
      name: merged.name, app: merged.app ?? null, query: merged.query ?? null, patternKind: merged.pattern.kind, pattern: merged.pattern.source,
      ignoreCase: merged.pattern.ignoreCase ?? false, fieldTypes: merged.fieldTypes ?? {}, enabled: merged.enabled, position: merged.position,
      // Saving a rule is the tenant's answer to a disabling: give it another chance.
      disabledReason: null,
    });
    const saved = await this.rules.save(rule);
    this.rulesFeed.changed(tenant);
    return present(saved);
  }

  async remove(tenant: string, id: string): Promise<void> {
    const rule = await this.find(tenant, id);
    await this.rules.delete({ tenant, id: rule.id });
    this.rulesFeed.changed(tenant);
  }

  async dryRun(tenant: string, rule: RuleInput, lines: Array<{ line: string; app?: string; host?: string }>) {
    checkQuery(rule.query);
    return this.parser.dryRun({ tenant, rule: this.workerRule(rule, 'dry-run'), lines });
  }

  async dryRunSaved(tenant: string, id: string, lines: Array<{ line: string; app?: string; host?: string }>) {
    const rule = await this.find(tenant, id);
    return this.parser.dryRun({ tenant, rule: { ...toItem(rule), tenant: undefined }, lines });
  }

  async getRedaction(tenant: string): Promise<RedactionInput & { default: boolean }> {
    const saved = await this.redactions.findOneBy({ tenant });
    if (!saved) return { ...DEFAULT_REDACTION, default: true };
    return { email: saved.email, creditCard: saved.creditCard, ipv4: saved.ipv4, ipv6: saved.ipv6, custom: saved.custom, default: false };
  }

  async setRedaction(tenant: string, input: RedactionInput): Promise<RedactionInput & { default: boolean }> {
    await this.parser.dryRun({ tenant, redaction: input });
    await this.redactions.save(this.redactions.create({ tenant, ...input }));
    this.redactionFeed.changed(tenant);
    return { ...input, default: false };
  }

  async dryRunRedaction(tenant: string, input: RedactionInput, lines: Array<{ line: string; app?: string; host?: string }>) {
    return this.parser.dryRun({ tenant, redaction: input, lines });
  }

  private workerRule(input: RuleInput, id: string) {
    return { id, name: input.name, app: input.app ?? null, query: input.query ?? null, pattern: input.pattern, fieldTypes: input.fieldTypes ?? {} };
  }

  private async check(tenant: string, input: RuleInput): Promise<void> {
    checkQuery(input.query);
    await this.parser.dryRun({ tenant, rule: this.workerRule(input, 'check') });
  }

  private async find(tenant: string, id: string): Promise<ParsingRuleEntity> {
    const rule = /^[0-9a-f-]{36}$/.test(id) ? await this.rules.findOneBy({ tenant, id }) : null;
    if (!rule) throw new NotFoundException(`parsing rule ${id} not found`);
    return rule;
  }
}
