import { syslogSeverityLevel } from '@millrace/log-schema';
import { ProtocolError } from './errors';
import { ResultBuilder } from './result';
import { parseSyslogText, syslogMeta } from './syslog';
import { header, queryParam, type DecodeContext, type DecodeResult } from './types';

export interface LogplexResult extends DecodeResult {
  /** `Logplex-Frame-Id`: the same id is re-sent on retry, so it is the idempotency key. */
  frameId?: string;
  drainToken?: string;
  /** `Logplex-Msg-Count` when it disagrees with the frames found (the request is still accepted). */
  msgCountMismatch?: { expected: number; found: number };
}

/**
 * Heroku Logplex HTTPS drain: `POST /logplex`, `application/logplex-1`. The body is RFC 6587
 * octet-counted frames, each an RFC 5424 message without STRUCTURED-DATA:
 * `83 <40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n`.
 *
 * Context: `headers['logplex-msg-count' | 'logplex-frame-id' | 'logplex-drain-token']`,
 * `query.hostname` (overrides the host), `receivedAt`.
 * Mapping: app = APP-NAME (`app`, or `heroku` for platform logs), host = `?hostname=`, else
 * the drain token, else HOSTNAME; meta.dyno = PROCID (`web.1`, `router`); level from severity.
 */
export function decodeLogplex(body: Buffer, ctx: DecodeContext): LogplexResult {
  const out = new ResultBuilder();
  const drainToken = header(ctx, 'logplex-drain-token');
  const frameId = header(ctx, 'logplex-frame-id');
  const hostOverride = queryParam(ctx, 'hostname') ?? drainToken;
  const now = new Date(ctx.receivedAt ?? Date.now());
  let frames = 0;
  let pos = skipSeparators(body, 0);

  while (pos < body.length) {
    const index = frames;
    let p = pos;
    while (p < body.length && p - pos < 10 && body[p] >= 0x30 && body[p] <= 0x39) p++;
    const digits = p - pos;
    if (digits === 0 || digits >= 10 || body[p] !== 0x20) {
      // Lost the framing: resync at the next line that starts like a frame.
      const next = resync(body, pos);
      if (frames === 0 && next < 0) throw new ProtocolError(400, `not an octet-counted frame at byte ${pos}: expected "<length> <syslog message>"`);
      frames++;
      out.reject(index, `frame ${index + 1}: not an octet-counted frame at byte ${pos}${next < 0 ? '; rest of body skipped' : ''}`);
      if (next < 0) break;
      pos = next;
      continue;
    }
    const length = Number(body.toString('latin1', pos, p));
    const start = p + 1;
    frames++;
    if (start + length > body.length) {
      out.reject(index, `frame ${index + 1}: truncated: declares ${length} bytes, ${body.length - start} present`);
      break;
    }
    const msg = parseSyslogText(body.toString('utf8', start, start + length), now, { noStructuredData: true });
    pos = skipSeparators(body, start + length);
    if ('error' in msg) {
      out.reject(index, `frame ${index + 1}: ${msg.error}`);
      continue;
    }
    const meta = syslogMeta(msg) ?? {};
    if (msg.procId !== undefined) {
      meta.dyno = msg.procId;
      delete meta.procid;
    }
    if (hostOverride !== undefined && msg.hostname !== undefined) meta.hostname = msg.hostname;
    out.add({
      line: msg.msg,
      ts: msg.timestamp,
      app: msg.appName,
      host: hostOverride ?? msg.hostname,
      level: msg.severity === undefined ? undefined : syslogSeverityLevel(msg.severity),
      meta,
    });
  }

  const result: LogplexResult = out.result();
  if (frameId !== undefined) result.frameId = frameId;
  if (drainToken !== undefined) result.drainToken = drainToken;
  const declared = header(ctx, 'logplex-msg-count');
  if (declared !== undefined) {
    const expected = Number(declared);
    if (!Number.isInteger(expected) || expected !== frames) result.msgCountMismatch = { expected: Number.isInteger(expected) ? expected : -1, found: frames };
  }
  return result;
}

/** Frames are back to back; some senders put a newline between them. */
function skipSeparators(body: Buffer, pos: number): number {
  while (pos < body.length && (body[pos] === 0x0a || body[pos] === 0x0d || body[pos] === 0x20)) pos++;
  return pos;
}

/** Start of the next line that begins with `<digits> <`, or -1. */
function resync(body: Buffer, from: number): number {
  let lf = body.indexOf(0x0a, from);
  while (lf >= 0) {
    let p = lf + 1;
    const start = p;
    while (p < body.length && body[p] >= 0x30 && body[p] <= 0x39) p++;
    if (p > start && body[p] === 0x20 && body[p + 1] === 0x3c) return start;
    lf = body.indexOf(0x0a, lf + 1);
  }
  return -1;
}
