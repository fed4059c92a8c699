import type { AlertDefinition } from '../definitions/alert-definition';
import type { Sample } from '../engine/windows';
import { humanDuration, type NotificationContext } from './templates';

export interface TransitionFacts {
  event: 'firing' | 'resolved';
  group: string;
  count?: number;
  value?: number | null;
  windowStart: number;
  windowEnd: number;
  at: number;
  samples: Sample[];
}

const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** A search of the alert's lines in the window (and group), on the query-api. */
export function searchLink(base: string, def: AlertDefinition, group: string, from: number, to: number): string {
  let q = def.query.trim();
  if (def.groupBy && group !== '' && group !== '(other)' && group !== '(none)') q = `${q ? `(${q}) AND ` : ''}${def.groupBy}:${quote(group)}`;
  const params = new URLSearchParams({ q, from: String(Math.floor(from)), to: String(Math.ceil(to)) });
  return `${base.replace(/\/+$/, '')}/v1/search?${params}`;
}

function summary(def: AlertDefinition, facts: TransitionFacts): string {
  const window = humanDuration(def.windowSeconds);
  switch (def.kind) {
    case 'presence':
      return `${facts.count} matching line${facts.count === 1 ? '' : 's'} within ${window} (alert at ${def.count} or more)`;
    case 'absence':
      return `${facts.count} matching line${facts.count === 1 ? '' : 's'} within ${window} (alert below ${def.count})`;
    case 'threshold': {
      const measure = def.aggregation === 'count' ? 'count' : `${def.aggregation} of ${def.field}`;
      const value = facts.value === null || facts.value === undefined ? 'no data' : String(Math.round(facts.value * 1000) / 1000);
      return `${measure} = ${value} over ${window} (alert when ${def.comparator} ${def.value})`;
    }
  }
}

export function notificationContext(def: AlertDefinition, facts: TransitionFacts, publicQueryUrl: string, notificationId = ''): NotificationContext {
  const firing = facts.event === 'firing';
  return {
    event: facts.event,
    firing,
    resolved: !firing,
    status: firing ? 'FIRING' : 'RESOLVED',
    alert: { id: def.id, name: def.name, kind: def.kind, query: def.query },
    tenant: def.tenant,
    ...(def.groupBy ? { groupBy: def.groupBy, group: facts.group } : {}),
    ...(facts.count !== undefined ? { count: facts.count } : {}),
    threshold: def.kind === 'threshold' ? def.value : def.count,
    ...(def.kind === 'threshold' ? { comparator: def.comparator, aggregation: def.aggregation, field: def.field, value: facts.value ?? null } : {}),
    window: {
      seconds: def.windowSeconds,
      human: humanDuration(def.windowSeconds),
      start: new Date(facts.windowStart).toISOString(),
      end: new Date(facts.windowEnd).toISOString(),
    },
    at: new Date(facts.at).toISOString(),
    summary: summary(def, facts),
    samples: facts.samples.map((s) => ({ ts: new Date(s.ts).toISOString(), app: s.app, host: s.host, level: s.level, message: s.message })),
    link: searchLink(publicQueryUrl, def, facts.group, facts.windowStart, facts.windowEnd),
    notificationId,
  };
}
