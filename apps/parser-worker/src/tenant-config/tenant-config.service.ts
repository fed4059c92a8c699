import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { PARSER_SUBJECTS, newBatchId } from '@millrace/log-schema';
import { ConfigFeed, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import type { Subscription } from '@nats-io/transport-node';
import { compileRedaction, parseBatch, type CompiledRedaction, type CompiledRule, type ParseStats } from '../parsing';
import { compileRuleItem, compileTenantRedaction, compileTenantRules } from './compile';
import type { DryRunRequest, ParsingRuleItem, RedactionItem } from './items';

const ruleEvents =
  (register.getSingleMetric('millrace_parser_rule_events_total') as Counter) ??
  new Counter({ name: 'millrace_parser_rule_events_total', help: 'Tenant rule matches, timeouts and disablings', labelNames: ['event'] });
const redactions =
  (register.getSingleMetric('millrace_parser_redactions_total') as Counter) ??
  new Counter({ name: 'millrace_parser_redactions_total', help: 'Values redacted, by detector', labelNames: ['detector'] });

const MAX_DRY_RUN_LINES = 100;
/** Tenants that saved no settings get e-mail and card-number redaction (IP addresses stay). */
const DEFAULT_REDACTION = compileRedaction({ email: true, creditCard: true, ipv4: false, ipv6: false });
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Each tenant's parsing rules and redaction settings, kept current from the query-api, plus the
 * dry-run service that shows what a rule makes of sample lines.
 */
@Injectable()
export class TenantConfigService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TenantConfig');
  private readonly rules: ConfigFeed<ParsingRuleItem, CompiledRule[]>;
  private readonly redaction: ConfigFeed<RedactionItem, CompiledRedaction | undefined>;
  private dryRun?: Subscription;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.rules = new ConfigFeed({ nc, kind: 'parsing-rules', compile: compileTenantRules });
    this.redaction = new ConfigFeed({ nc, kind: 'redaction', compile: compileTenantRedaction });
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.rules.start(), this.redaction.start()]);
    this.dryRun = this.nc.subscribe(PARSER_SUBJECTS.dryRun, { queue: 'parser-dry-run', callback: (error, msg) => {
      if (error) return;
      let reply: unknown;
      try {
        reply = this.runDry(JSON.parse(decoder.decode(msg.data)) as DryRunRequest);
      } catch (e) {
        reply = { ok: false, error: (e as Error).message };
      }
      msg.respond(encoder.encode(JSON.stringify(reply)));
    } });
  }

  onApplicationShutdown(): void {
    this.rules.stop();
    this.redaction.stop();
    this.dryRun?.unsubscribe();
  }

  rulesOf(tenant: string): CompiledRule[] | undefined {
    return this.rules.get(tenant);
  }

  redactionOf(tenant: string): CompiledRedaction | undefined {
    return this.redaction.get(tenant) ?? DEFAULT_REDACTION;
  }

  /** Count what a batch's parse did with the tenant's rules; announce rules that got disabled. */
  record(tenant: string, stats: ParseStats): void {
    for (const count of Object.values(stats.ruleMatches)) ruleEvents.inc({ event: 'matched' }, count);
    for (const count of Object.values(stats.ruleTimeouts)) ruleEvents.inc({ event: 'timeout' }, count);
    for (const [detector, count] of Object.entries(stats.redactions)) redactions.inc({ detector }, count);
    for (const { ruleId, reason } of stats.rulesDisabled) {
      ruleEvents.inc({ event: 'disabled' });
      this.logger.warn(`tenant ${tenant}: rule ${ruleId} disabled: ${reason}`);
      this.nc.publish(PARSER_SUBJECTS.ruleDisabled, encoder.encode(JSON.stringify({ tenant, ruleId, reason })));
    }
  }

  /** Compile errors become `{ ok: false, error }` answers (the caller shows them as 400s). */
  private runDry(request: DryRunRequest) {
    const rule = request.rule ? compileRuleItem(request.rule) : undefined;
    const redaction = request.redaction ? compileRedaction(request.redaction) : this.redactionOf(request.tenant);
    const lines = (request.lines ?? []).slice(0, MAX_DRY_RUN_LINES);
    if (lines.length === 0) return { ok: true, events: [] };
    const { events, stats } = parseBatch(
      { v: 1, tenant: request.tenant, batchId: newBatchId(), receivedAt: Date.now(), source: { protocol: 'http-json' }, lines },
      { rules: rule ? [rule] : [], redaction },
    );
    return {
      ok: true,
      events,
      ...(rule ? { matched: stats.ruleMatches[rule.id] ?? 0, timedOut: (stats.ruleTimeouts[rule.id] ?? 0) > 0 } : {}),
      redactions: stats.redactions,
    };
  }
}
