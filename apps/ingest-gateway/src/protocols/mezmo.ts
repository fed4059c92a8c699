import { parseTimestamp } from '@millrace/log-schema';
import { ProtocolError } from './errors';
import { boundTags, isObject, type Fields } from './fields';
import { ResultBuilder } from './result';
import { bodyText, parseJsonBody } from './text';
import { queryList, queryParam, type DecodeContext, type DecodeResult } from './types';

/** Corrections smaller than this are network latency, not a wrong clock. */
const MIN_DRIFT_MS = 1_000;

/**
 * Mezmo (LogDNA) ingest API: `POST /logs/ingest` and the agent's `POST /logs/agent`.
 *
 * Body: `{"lines":[{line, app, level, timestamp, meta, file, env}]}` (the agent's
 * `{"e":"ls","ls":[...]}` is accepted too). Context: `query.hostname`, `query.mac`,
 * `query.ip`, `query.tags` (comma-separated), `query.now` (the sender's clock, epoch ms),
 * `receivedAt`.
 */
export function decodeMezmoIngest(body: Buffer, ctx: DecodeContext): DecodeResult {
  const doc = parseJsonBody(bodyText(body));
  const items = isObject(doc) ? (Array.isArray(doc.lines) ? doc.lines : Array.isArray(doc.ls) ? doc.ls : undefined) : undefined;
  if (items === undefined) throw new ProtocolError(400, 'body: expected {"lines":[...]}');

  const out = new ResultBuilder();
  out.expect(items.length);
  const host = queryParam(ctx, 'hostname');
  const tags = boundTags(queryList(ctx, 'tags'));
  const requestMeta: Fields = {};
  const mac = queryParam(ctx, 'mac');
  const ip = queryParam(ctx, 'ip');
  if (mac !== undefined) requestMeta.mac = mac;
  if (ip !== undefined) requestMeta.ip = ip;
  const drift = clockDrift(queryParam(ctx, 'now'), ctx.receivedAt ?? Date.now());

  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (!isObject(item)) {
      out.reject(i, `lines[${i}]: expected an object`);
      continue;
    }
    const text = item.line;
    if (typeof text !== 'string') {
      out.reject(i, `lines[${i}]: "line" must be a string`);
      continue;
    }
    const meta: Fields = { ...lineMeta(item.meta), ...requestMeta };
    if (typeof item.file === 'string' && item.file !== '') meta.file = item.file;
    if (typeof item.env === 'string' && item.env !== '') meta.env = item.env;
    out.add({
      line: text,
      ts: timestamp(item.timestamp, drift),
      app: item.app,
      host,
      level: item.level,
      tags,
      meta,
    });
  }
  return out.result();
}

/** `meta` is an object, or (from some clients) the JSON text of one; anything else is kept as `meta`. */
function lineMeta(meta: unknown): Fields | undefined {
  if (meta === undefined || meta === null) return undefined;
  if (isObject(meta)) return meta;
  if (typeof meta === 'string') {
    const trimmed = meta.trim();
    if (trimmed.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (isObject(parsed)) return parsed;
      } catch {
        // not JSON after all: kept as text below
      }
    }
  }
  return { meta };
}

/** `now` is the sender's clock at send time: its offset from ours is applied to every line. */
function clockDrift(now: string | undefined, receivedAt: number): number {
  if (now === undefined) return 0;
  const sent = parseTimestamp(now);
  if (sent === undefined) return 0;
  const drift = receivedAt - sent;
  return Math.abs(drift) >= MIN_DRIFT_MS ? drift : 0;
}

function timestamp(value: unknown, drift: number): string | number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (drift === 0) return value;
  const ms = parseTimestamp(value);
  return ms === undefined ? value : ms + drift;
}
