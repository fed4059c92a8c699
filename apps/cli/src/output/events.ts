import type { LogEvent } from '@millrace/log-schema';
import type { Colors } from '../io/streams';

/** What the query API sends for an event (search, export, tail); extra fields pass through. */
export type EventView = Pick<LogEvent, 'id' | 'ts' | 'app' | 'host' | 'message'> & Partial<Pick<LogEvent, 'level' | 'tags' | 'fields'>>;

function levelColor(colors: Colors, level: string | undefined): (text: string) => string {
  switch (level) {
    case 'fatal': return (t) => colors.bold(colors.red(t));
    case 'error': return colors.red;
    case 'warn': return colors.yellow;
    case 'info': return colors.green;
    case 'debug': return colors.blue;
    case 'trace': return colors.gray;
    default: return (t) => t;
  }
}

/** `2025-01-05T10:00:00.123Z web-1 api ERROR message`, coloured by level when colours are on. */
export function formatEvent(event: EventView, colors: Colors): string {
  const time = Number.isFinite(event.ts) ? new Date(event.ts).toISOString() : String(event.ts);
  const level = (event.level ?? '-').toUpperCase().padEnd(5);
  const paint = levelColor(colors, event.level);
  const tags = event.tags?.length ? ` ${colors.dim(`[${event.tags.join(',')}]`)}` : '';
  return `${colors.dim(time)} ${event.host} ${colors.cyan(event.app)} ${paint(level)} ${event.message}${tags}\n`;
}

export function formatEventJson(event: unknown): string {
  return `${JSON.stringify(event)}\n`;
}
