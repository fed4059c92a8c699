import type { LogEvent } from '@millrace/log-schema';

/** The group a line belongs to when an alert groups by a field; lines without it share one group. */
export const NO_VALUE = '(none)';
/** Lines of groups beyond the alert's bound on groups are counted together in this one. */
export const OTHER_GROUPS = '(other)';
/** The single group of an alert that does not group. */
export const NO_GROUP = '';

/** A field's value in an event, by the names the query language uses (`app`, `tag`, `http.status`, `fields.x`). */
export function fieldValue(event: Pick<LogEvent, 'app' | 'host' | 'level' | 'source' | 'tags' | 'fields'>, name: string): unknown {
  switch (name) {
    case 'app': return event.app;
    case 'host': return event.host;
    case 'level': return event.level;
    case 'source': return event.source;
    case 'tag': case 'tags': return event.tags[0];
  }
  const path = name.startsWith('fields.') ? name.slice('fields.'.length) : name;
  return readPath(event.fields, path.split('.'));
}

/** Nested objects and dotted keys are the same path, as in the query language. */
function readPath(value: unknown, segments: string[]): unknown {
  if (segments.length === 0) return value;
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (let i = segments.length; i >= 1; i--) {
    const key = segments.slice(0, i).join('.');
    if (key in record) {
      const found = readPath(record[key], segments.slice(i));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const MAX_GROUP_LENGTH = 256;

export function groupKey(value: unknown): string {
  if (value === undefined || value === null || value === '') return NO_VALUE;
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_GROUP_LENGTH ? text.slice(0, MAX_GROUP_LENGTH) : text;
}

/** The indexed path of a field for aggregations (`latency_ms` → `fields.latency_ms`). */
export function documentField(name: string): string {
  if (['app', 'host', 'level', 'source'].includes(name)) return name;
  if (name === 'tag' || name === 'tags') return 'tags';
  return name.startsWith('fields.') ? name : `fields.${name}`;
}
