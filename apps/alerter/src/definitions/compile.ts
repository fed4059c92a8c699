import { compileMatcher, parseQuery, type EventMatcher } from '@millrace/query-language';
import { alertDefinitionSchema, type AlertDefinition } from './alert-definition';
import type { WindowRule } from '../engine/windows';
import type { ThresholdRule } from '../engine/threshold';

/** An alert ready to evaluate: its definition, its matcher and its rule. */
export interface CompiledAlert {
  def: AlertDefinition;
  matcher: EventMatcher;
  window?: WindowRule;
  threshold?: ThresholdRule;
}

/** The alerts of one tenant as the evaluators use them. */
export interface TenantAlerts {
  byId: Map<string, CompiledAlert>;
  /** Enabled presence and absence alerts: matched against every EVENTS batch of the tenant. */
  stream: CompiledAlert[];
}

export function compileAlert(def: AlertDefinition): CompiledAlert {
  const matcher = compileMatcher(parseQuery(def.query));
  if (def.kind === 'threshold') {
    return { def, matcher, threshold: { aggregation: def.aggregation, field: def.field, comparator: def.comparator, value: def.value, groupBy: def.groupBy, maxGroups: def.maxGroups } };
  }
  return { def, matcher, window: { kind: def.kind, count: def.count, windowMs: def.windowSeconds * 1000, trigger: def.kind === 'presence' ? def.trigger : 'immediate' } };
}

/**
 * Compile one tenant's items; an item that does not validate or whose query does not parse is
 * left out (and reported), never the whole tenant.
 */
export function compileTenant(items: unknown[], tenant: string, onError: (message: string) => void): TenantAlerts {
  const byId = new Map<string, CompiledAlert>();
  const stream: CompiledAlert[] = [];
  for (const item of items) {
    const parsed = alertDefinitionSchema.safeParse(item);
    if (!parsed.success) {
      onError(`alert ${(item as { id?: string }).id ?? '?'} of ${tenant} ignored: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
      continue;
    }
    if (parsed.data.tenant !== tenant) continue;
    try {
      const compiled = compileAlert(parsed.data);
      byId.set(compiled.def.id, compiled);
      if (compiled.window && compiled.def.enabled) stream.push(compiled);
    } catch (error) {
      onError(`alert ${parsed.data.id} of ${tenant} ignored: ${(error as Error).message}`);
    }
  }
  return { byId, stream };
}
