/**
 * JSON object lines: `{"level":"info","msg":"hello","user":{"id":1}}`.
 * The message is the first string among MESSAGE_KEYS; without one the whole line is the
 * message (so it stays searchable) and every key stays a field. Nested objects stay nested
 * (depth is bounded later by the sanitiser).
 */
import type { ParseContext, Parsed } from '../types';
import { consumeReserved } from './reserved';

export function parseJson(text: string, ctx: ParseContext): Parsed | undefined {
  // A cheap shape check before paying for JSON.parse's exception on plain "{...}" text.
  const last = lastNonSpace(text);
  if (last !== 125) return undefined; // '}'
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  const parsed: Parsed = { format: 'json', message: text, fields };
  consumeReserved(parsed, fields, ctx.receivedAt, true);
  return parsed;
}

function lastNonSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c;
  }
  return -1;
}
