import { rawLineSchema } from '@millrace/log-schema';
import { formatRfc3164, formatRfc5424, octetCounted, severityOfLevel } from './format';
import type { SyslogMessage } from './message';
import { parseSyslog } from './parse';
import { levelIsSeverity, syslogLine } from './record';

const NOW = Date.parse('2024-06-15T12:00:00Z');

function parsed(text: string): SyslogMessage {
  const m = parseSyslog(text, NOW);
  if ('error' in m || m.format === 'plain') throw new Error(`not syslog: ${text}`);
  return m;
}

describe('syslogLine: what a message becomes as a line', () => {
  it('maps an RFC 5424 message: the TIMESTAMP as written, the header fields under syslog', () => {
    const line = syslogLine(parsed('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 77 ID47 [exampleSDID@32473 iut="3"] An application event'));
    expect(line).toEqual({
      line: 'An application event', ts: '2003-10-11T22:14:15.003Z', host: 'mymachine.example.com', app: 'evntslog', level: 'info',
      meta: { syslog: { facility: 'local4', severity: 5, procid: '77', msgid: 'ID47', sd: { 'exampleSDID@32473': { iut: '3' } } } },
    });
    expect(rawLineSchema.safeParse(line).success).toBe(true);
  });

  it('maps an RFC 3164 message: the time as epoch ms with its year inferred', () => {
    expect(syslogLine(parsed('<30>Jun  5 10:00:00 myhost CRON[1234]: (root) CMD'))).toEqual({
      line: '(root) CMD', ts: Date.UTC(2024, 5, 5, 10), host: 'myhost', app: 'CRON', level: 'info',
      meta: { syslog: { facility: 'daemon', severity: 6, procid: '1234' } },
    });
    expect(syslogLine(parsed('Jun  5 10:00:00 myhost app: x'))).toEqual({ line: 'x', ts: Date.UTC(2024, 5, 5, 10), host: 'myhost', app: 'app' });
  });

  it('keeps nothing for NILVALUE fields, and a TIMESTAMP it cannot read as a field', () => {
    expect(syslogLine(parsed('<14>1 - - - - - - hello'))).toEqual({ line: 'hello', level: 'info', meta: { syslog: { facility: 'user', severity: 6 } } });
    expect(syslogLine(parsed('<14>1 yesterday - - - - - x'))).toEqual({ line: 'x', level: 'info', meta: { syslog: { facility: 'user', severity: 6, timestamp: 'yesterday' } } });
  });

  it('cuts a header name longer than the schema allows without splitting a character', () => {
    const host = `${'h'.repeat(255)}😀x`;
    const line = syslogLine(parsed(`<14>1 - ${host} - - - - x`));
    expect(line.host).toBe('h'.repeat(255));
    expect(rawLineSchema.safeParse(line).success).toBe(true);
  });

  it('tells a level that is only the severity from one the sender chose', () => {
    expect(levelIsSeverity(syslogLine(parsed('<12>1 - - - - - - x')))).toBe(true);
    expect(levelIsSeverity({ level: 'error', meta: { syslog: { severity: 4 } } })).toBe(false);
    expect(levelIsSeverity({ level: 'warn' })).toBe(false);
    expect(levelIsSeverity({ meta: { syslog: { severity: 4 } } })).toBe(false);
    expect(levelIsSeverity({ level: 'warn', meta: { syslog: 'x' } })).toBe(false);
  });
});

describe('writing syslog', () => {
  it('writes RFC 5424 with NILVALUE for what is absent, optionally without STRUCTURED-DATA', () => {
    const time = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    expect(formatRfc5424({ severity: 3, time, hostname: 'host-1', appName: 'web', msg: 'boom: ünïcode' })).toBe('<11>1 2024-01-02T03:04:05.678Z host-1 web - - - boom: ünïcode');
    expect(formatRfc5424({ facility: 16, severity: 6, time, hostname: 'my host', appName: 'a'.repeat(60), procId: 'web.1', msg: '' }, { structuredData: false }))
      .toBe(`<134>1 2024-01-02T03:04:05.678Z my_host ${'a'.repeat(48)} web.1 -`);
    expect(formatRfc5424({ time, sd: { 'x@1': { a: 'q"]\\', b: ['1', '2'] } }, msg: 'm' })).toBe('<13>1 2024-01-02T03:04:05.678Z - - - - [x@1 a="q\\"\\]\\\\" b="1" b="2"] m');
  });

  it('writes RFC 3164 with a space-padded day', () => {
    expect(formatRfc3164({ facility: 4, severity: 2, time: Date.UTC(2024, 9, 1, 22, 14, 15), hostname: 'mymachine', appName: 'su', procId: '7', msg: 'hi' })).toBe('<34>Oct  1 22:14:15 mymachine su[7]: hi');
  });

  it('maps levels to severities and counts octets in bytes', () => {
    expect([undefined, 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'custom'].map(severityOfLevel)).toEqual([6, 2, 3, 4, 6, 7, 7, 5]);
    expect(octetCounted('ü')).toBe('2 ü');
  });
});
