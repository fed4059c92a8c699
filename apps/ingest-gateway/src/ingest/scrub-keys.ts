import { Counter, register } from 'prom-client';
import type { RawLine } from '@millrace/log-schema';

/** Every Millrace key starts so (`mlr_ik_` ingestion, `mlr_sk_` service): the cheap test before the exact one. */
const PREFIX = 'mlr_';
const KEY = /mlr_(ik|sk)_[A-Za-z0-9_-]{43}/g;
export const SCRUBBED = (kind: string) => `mlr_${kind}_[redacted]`;

const NAME = 'millrace_ingest_keys_scrubbed_total';
export const keysScrubbed: Counter<'protocol'> = (register.getSingleMetric(NAME) as Counter<'protocol'> | undefined) ??
  new Counter({ name: NAME, help: 'Millrace keys found in received lines (message, fields, app, host, tags) and replaced before anything was stored', labelNames: ['protocol'] });

function scrubText(text: string, found: { n: number }): string {
  if (text.indexOf(PREFIX) < 0) return text;
  return text.replace(KEY, (_match, kind: string) => {
    found.n++;
    return SCRUBBED(kind);
  });
}

function scrubValue(value: unknown, found: { n: number }, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value, found);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = scrubValue(value[i], found, depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const clean = scrubText(key, found);
    const inner = scrubValue(record[key], found, depth + 1);
    if (clean !== key) {
      delete record[key];
      record[clean] = inner;
    } else if (inner !== record[key]) record[key] = inner;
  }
  return record;
}

/**
 * Replace every Millrace key a shipper put into what it sends (the message, fields, app, host,
 * tags, at any depth) before the lines are published to INGEST, the first place anything is
 * stored. Cheap on the hot path: one indexOf of `mlr_` per string, the exact pattern only on a
 * hit. Lines are changed in place; returns how many keys were replaced.
 */
export function scrubKeys(lines: RawLine[], protocol: string): number {
  const found = { n: 0 };
  for (const l of lines) {
    l.line = scrubText(l.line, found);
    if (l.app !== undefined) l.app = scrubText(l.app, found);
    if (l.host !== undefined) l.host = scrubText(l.host, found);
    if (l.level !== undefined) l.level = scrubText(l.level, found);
    if (typeof l.ts === 'string') l.ts = scrubText(l.ts, found);
    if (l.tags) for (let i = 0; i < l.tags.length; i++) l.tags[i] = scrubText(l.tags[i], found);
    if (l.meta) scrubValue(l.meta, found, 0);
  }
  if (found.n > 0) keysScrubbed.inc({ protocol }, found.n);
  return found.n;
}
