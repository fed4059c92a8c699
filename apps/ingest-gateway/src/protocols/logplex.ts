import { parseSyslog, splitOctetCounted, syslogLine, type SyslogFields } from '@millrace/syslog';
import { ProtocolError } from './errors';
import { ResultBuilder } from './result';
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
 * octet-counted frames, each an RFC 5424 message, read with the one syslog grammar
 * (`@millrace/syslog`): Heroku's own frames have no STRUCTURED-DATA
 * (`83 <40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n`),
 * log-shuttle's have NILVALUE MSGID and STRUCTURED-DATA (`<190>1 … shuttle token shuttle - - Hello`);
 * both give the message without the `- `.
 *
 * Context: `headers['logplex-msg-count' | 'logplex-frame-id' | 'logplex-drain-token']`,
 * `query.hostname` (overrides the host), `receivedAt`.
 * Mapping: as every syslog line (`syslogLine`: app = APP-NAME, `heroku` for platform logs;
 * level from severity; `meta.syslog` = facility, severity, msgid, structured data), except
 * host = `?hostname=`, else the drain token, else HOSTNAME (kept as `meta.hostname` when
 * overridden), and PROCID as `meta.dyno` (`web.1`, `router`).
 */
export function decodeLogplex(body: Buffer, ctx: DecodeContext): LogplexResult {
  const out = new ResultBuilder();
  const drainToken = header(ctx, 'logplex-drain-token');
  const frameId = header(ctx, 'logplex-frame-id');
  const hostOverride = queryParam(ctx, 'hostname') ?? drainToken;
  let frames = 0;
  const receivedAt = ctx.receivedAt ?? Date.now();

  splitOctetCounted(body, {
    unframed(at, resumesAt) {
      // Lost the framing: it resumes at the next line that starts like a frame.
      if (frames === 0 && resumesAt < 0) throw new ProtocolError(400, `not an octet-counted frame at byte ${at}: expected "<length> <syslog message>"`);
      out.reject(frames, `frame ${frames + 1}: not an octet-counted frame at byte ${at}${resumesAt < 0 ? '; rest of body skipped' : ''}`);
      frames++;
    },
    truncated(_at, declared, present) {
      out.reject(frames, `frame ${frames + 1}: truncated: declares ${declared} bytes, ${present} present`);
      frames++;
    },
    frame(start, end) {
      const index = frames++;
      const msg = parseSyslog(body.toString('utf8', start, end), receivedAt);
      if ('error' in msg) {
        out.reject(index, `frame ${index + 1}: ${msg.error}`);
        return;
      }
      if (msg.format === 'plain') {
        out.add({ line: msg.msg, host: hostOverride });
        return;
      }
      const line = syslogLine(msg);
      const meta: Record<string, unknown> = {};
      const syslog: SyslogFields | undefined = line.meta?.syslog;
      if (syslog !== undefined) {
        const { procid, ...rest } = syslog;
        if (procid !== undefined) meta.dyno = procid;
        if (Object.keys(rest).length > 0) meta.syslog = rest;
      }
      if (hostOverride !== undefined && msg.hostname !== undefined) meta.hostname = msg.hostname;
      out.add({ line: line.line, ts: line.ts, app: line.app, host: hostOverride ?? line.host, level: line.level, meta });
    },
  });

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
