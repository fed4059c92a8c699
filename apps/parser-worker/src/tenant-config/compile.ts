import { Logger } from '@nestjs/common';
import { compileMatcher, parseQuery } from '@millrace/query-language';
import type { LogEvent } from '@millrace/log-schema';
import { compileRedaction, compileRule, type CompiledRedaction, type CompiledRule } from '../parsing';
import type { ParsingRuleItem, RedactionItem } from './items';

const logger = new Logger('TenantConfig');

/** Compile one stored rule; its optional query becomes an in-memory matcher on the parsed event. */
export function compileRuleItem(item: Omit<ParsingRuleItem, 'tenant' | 'position' | 'enabled'>): CompiledRule {
  const matcher = item.query ? compileMatcher(parseQuery(item.query)) : undefined;
  return compileRule({
    id: item.id,
    name: item.name,
    app: item.app ?? undefined,
    query: item.query ?? undefined,
    matches: matcher ? (event: LogEvent) => matcher(event) : undefined,
    pattern: item.pattern,
    fieldTypes: item.fieldTypes,
  });
}

/**
 * A tenant's enabled rules, in order. A rule that no longer compiles (it was valid when saved,
 * but e.g. the engine changed) is skipped and logged rather than stopping the tenant's parsing.
 */
export function compileTenantRules(items: ParsingRuleItem[], tenant: string): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  for (const item of [...items].sort((a, b) => a.position - b.position)) {
    if (!item.enabled) continue;
    try {
      compiled.push(compileRuleItem(item));
    } catch (error) {
      logger.warn(`tenant ${tenant}: rule ${item.id} skipped: ${(error as Error).message}`);
    }
  }
  return compiled;
}

export function compileTenantRedaction(items: RedactionItem[], tenant: string): CompiledRedaction | undefined {
  const item = items[0];
  if (!item) return undefined;
  try {
    return compileRedaction({ email: item.email, creditCard: item.creditCard, ipv4: item.ipv4, ipv6: item.ipv6, custom: item.custom });
  } catch (error) {
    logger.warn(`tenant ${tenant}: redaction settings skipped: ${(error as Error).message}`);
    return undefined;
  }
}
