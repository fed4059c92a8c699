import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { decodeLogplex } from './logplex';
import type { DecodeContext, DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const frame = (msg: string): string => `${Buffer.byteLength(msg)} ${msg}`;
const APP = '<190>1 2024-06-15T12:00:00.123456+00:00 host app web.1 - Started GET "/" for 1.2.3.4\n';
const ROUTER = '<158>1 2024-06-15T12:00:01+00:00 host heroku router - at=info method=GET path="/" host=myapp.herokuapp.com status=200 bytes=1234\n';
const STATE = '<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n';

describe('Heroku Logplex drains (POST /logplex)', () => {
  const headers = { 'logplex-msg-count': '3', 'logplex-frame-id': '09C557EAFCFB6CF2740EE62F62971098', 'logplex-drain-token': 'd.fc6b856b-3332-4546-93de-7d0ee272c3bd', 'content-type': 'application/logplex-1' };

  it('decodes the documentation example frame exactly (83 bytes)', () => {
    expect(frame(STATE).startsWith('83 ')).toBe(true);
    const result = decodeLogplex(Buffer.from(frame(STATE)), {});
    // <40> = facility syslog (5), severity emergency (0).
    expect(wellFormed(result)).toEqual([{
      line: 'State changed from starting to up',
      ts: '2012-11-30T06:45:29+00:00',
      host: 'host',
      app: 'app',
      level: 'fatal',
      meta: { syslog: { facility: 'syslog', severity: 0 }, dyno: 'web.3' },
    }]);
  });

  it('maps app, host (drain token), dyno and level; returns the frame id', () => {
    const result = decodeLogplex(Buffer.from(frame(APP) + frame(ROUTER) + frame(STATE)), { headers });
    const [app, router] = wellFormed(result);
    expect(app).toEqual({
      line: 'Started GET "/" for 1.2.3.4',
      ts: '2024-06-15T12:00:00.123456+00:00',
      app: 'app',
      host: 'd.fc6b856b-3332-4546-93de-7d0ee272c3bd',
      level: 'info',
      meta: { syslog: { facility: 'local7', severity: 6 }, dyno: 'web.1', hostname: 'host' },
    });
    expect(router).toMatchObject({ app: 'heroku', line: expect.stringMatching(/^at=info method=GET/), meta: { dyno: 'router', syslog: { facility: 'local3' } } });
    expect(result.frameId).toBe('09C557EAFCFB6CF2740EE62F62971098');
    expect(result.drainToken).toBe('d.fc6b856b-3332-4546-93de-7d0ee272c3bd');
    expect(result.msgCountMismatch).toBeUndefined();
    expect(result.rejected).toEqual([]);
  });

  it('lets ?hostname= name the host', () => {
    const result = decodeLogplex(Buffer.from(frame(APP)), { headers, query: { hostname: 'myapp' } });
    expect(result.lines[0].host).toBe('myapp');
  });

  it('does not read a leading [ in the message as structured data', () => {
    const msg = '<190>1 2024-06-15T12:00:00+00:00 host app web.1 - [INFO] booted\n';
    expect(decodeLogplex(Buffer.from(frame(msg)), {}).lines[0].line).toBe('[INFO] booted');
  });

  it("reads log-shuttle's default frames (NILVALUE MSGID and STRUCTURED-DATA): the message without the `- `", () => {
    // What log-shuttle writes for each line of stdin with its defaults (-prival 190, -hostname shuttle, -procid shuttle, -msgid "- -").
    const shuttle = (line: string) => frame(`<190>1 2024-06-15T11:59:58.123456+00:00 shuttle ${'token'} shuttle - - ${line}\n`);
    const result = decodeLogplex(Buffer.from(shuttle('Hello World') + shuttle('- a line that starts with a dash') + frame('<13>1 2013-09-25T01:16:49.371356+00:00 host token web.1 - [meta sequenceId="1"] message 1\n')), {});
    expect(wellFormed(result)).toEqual([
      { line: 'Hello World', ts: '2024-06-15T11:59:58.123456+00:00', host: 'shuttle', app: 'token', level: 'info', meta: { syslog: { facility: 'local7', severity: 6 }, dyno: 'shuttle' } },
      { line: '- a line that starts with a dash', ts: '2024-06-15T11:59:58.123456+00:00', host: 'shuttle', app: 'token', level: 'info', meta: { syslog: { facility: 'local7', severity: 6 }, dyno: 'shuttle' } },
      { line: 'message 1', ts: '2013-09-25T01:16:49.371356+00:00', host: 'host', app: 'token', level: 'info', meta: { syslog: { facility: 'user', severity: 5, sd: { meta: { sequenceId: '1' } } }, dyno: 'web.1' } },
    ]);
  });

  it('reports a Logplex-Msg-Count mismatch but accepts the frames', () => {
    const result = decodeLogplex(Buffer.from(frame(APP) + frame(ROUTER)), { headers });
    expect(result.lines).toHaveLength(2);
    expect(result.msgCountMismatch).toEqual({ expected: 3, found: 2 });
    expect(decodeLogplex(Buffer.from(frame(APP)), { headers: { 'logplex-msg-count': 'many' } }).msgCountMismatch).toEqual({ expected: -1, found: 1 });
  });

  it('tolerates newlines between frames', () => {
    expect(decodeLogplex(Buffer.from(`${frame(APP)}\n\r\n${frame(ROUTER)}\n`), {}).lines).toHaveLength(2);
  });

  it('rejects a malformed message inside good framing and keeps going', () => {
    const result = decodeLogplex(Buffer.from(frame(APP) + frame('<999>1 x y z w v\n') + frame('<13>1 2024-01-01T00:00:00Z\n') + frame(ROUTER)), {});
    expect(result.lines).toHaveLength(2);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'frame 2: invalid PRI: <999>' },
      { index: 2, reason: 'frame 3: RFC 5424 header truncated after TIMESTAMP' },
    ]);
  });

  it('rejects a truncated last frame', () => {
    const body = frame(APP) + frame(ROUTER).slice(0, 40);
    const result = decodeLogplex(Buffer.from(body), {});
    expect(result.lines).toHaveLength(1);
    expect(result.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/^frame 2: truncated: declares 1\d\d bytes, 3\d present$/) }]);
  });

  it('resyncs after a frame with a broken length prefix', () => {
    const result = decodeLogplex(Buffer.from(`${frame(APP)}garbage line\n${frame(ROUTER)}`), {});
    expect(result.lines.map((l) => l.app)).toEqual(['app', 'heroku']);
    expect(result.rejected).toEqual([{ index: 1, reason: 'frame 2: not an octet-counted frame at byte ' + Buffer.byteLength(frame(APP)) }]);
  });

  it('answers 400 when the body is not octet-counted frames at all', () => {
    expect(() => decodeLogplex(Buffer.from('<13>1 - - - - - - not framed'), {})).toThrow(
      expect.objectContaining({ name: 'ProtocolError', status: 400, message: 'not an octet-counted frame at byte 0: expected "<length> <syslog message>"' }),
    );
  });

  it('stops at garbage that cannot be resynced, after good frames', () => {
    const result = decodeLogplex(Buffer.from(`${frame(APP)}garbage without any frame after it`), {});
    expect(result.lines).toHaveLength(1);
    expect(result.rejected[0].reason).toMatch(/rest of body skipped$/);
  });

  it('decodes a gzip body after decompressBody', () => {
    const body = zlib.gzipSync(frame(APP) + frame(ROUTER));
    expect(decodeLogplex(decompressBody(body, 'gzip', 1e6), {}).lines).toHaveLength(2);
  });

  it('truncates long messages and answers 413 past 50,000 frames', () => {
    const long = `<190>1 2024-06-15T12:00:00+00:00 host app web.1 - ${'x'.repeat(40_000)}\n`;
    const result = decodeLogplex(Buffer.from(frame(long)), {});
    expect(result.truncated).toBe(1);
    wellFormed(result);
    const many = frame('<13>1 - - - - - x').repeat(50_001);
    expect(() => decodeLogplex(Buffer.from(many), {} as DecodeContext)).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
  });
});
