import { parseSyslog } from './parse';
import type { SyslogMessage } from './message';

const NOW = Date.parse('2024-06-15T12:00:00Z');

function msg(text: string, now = NOW): SyslogMessage {
  const parsed = parseSyslog(text, now);
  if ('error' in parsed) throw new Error(`unexpected error: ${parsed.error}`);
  if (parsed.format === 'plain') throw new Error(`read as plain text: ${text}`);
  return parsed;
}

function error(text: string): string {
  const parsed = parseSyslog(text, NOW);
  if (!('error' in parsed)) throw new Error(`expected an error for ${text}`);
  return parsed.error;
}

describe('RFC 5424', () => {
  it('reads the examples of RFC 5424 §6.5', () => {
    expect(msg("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8")).toEqual({
      format: 'rfc5424', facility: 4, severity: 2, time: Date.UTC(2003, 9, 11, 22, 14, 15, 3), timeText: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com', appName: 'su', msgId: 'ID47', msg: "'su root' failed for lonvick on /dev/pts/8",
    });
    expect(msg("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nothing.")).toMatchObject({
      facility: 20, severity: 5, time: Date.UTC(2003, 7, 24, 12, 14, 15, 0), hostname: '192.0.2.1', appName: 'myproc', procId: '8710',
      msg: "%% It's time to make the do-nothing.",
    });
    const sd = msg('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] An application event');
    expect(sd.sd).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      'examplePriority@32473': { class: 'high' },
    });
    expect(sd.msg).toBe('An application event');
    expect(msg('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"]')).toMatchObject({ msg: '', sd: { 'exampleSDID@32473': { iut: '3' } } });
  });

  it('reads NILVALUE in every field, the message included or not', () => {
    const nil = msg('<14>1 - - - - - -');
    expect(nil).toEqual({ format: 'rfc5424', facility: 1, severity: 6, msg: '' });
    expect(nil.time).toBeUndefined();
    expect(msg('<14>1 - - - - - - hello')).toEqual({ format: 'rfc5424', facility: 1, severity: 6, msg: 'hello' });
    expect(msg('<14>1 - - - - -')).toEqual({ format: 'rfc5424', facility: 1, severity: 6, msg: '' });
  });

  it("reads Heroku log-shuttle's default frames: MSGID and STRUCTURED-DATA nil, the message after them", () => {
    expect(msg('<190>1 2024-06-15T11:59:58.123456+00:00 shuttle token shuttle - - Hello World\n')).toEqual({
      format: 'rfc5424', facility: 23, severity: 6, time: Date.UTC(2024, 5, 15, 11, 59, 58, 123), timeText: '2024-06-15T11:59:58.123456+00:00',
      hostname: 'shuttle', appName: 'token', procId: 'shuttle', msg: 'Hello World',
    });
    expect(msg('<13>1 2013-09-25T01:16:49.371356+00:00 host token web.1 - [meta sequenceId="1"] message 1')).toMatchObject({ sd: { meta: { sequenceId: '1' } }, msg: 'message 1' });
  });

  it("reads Heroku Logplex's own frames, which have no STRUCTURED-DATA at all", () => {
    expect(msg('<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up')).toMatchObject({
      hostname: 'host', appName: 'app', procId: 'web.3', msg: 'State changed from starting to up', sd: undefined,
    });
    expect(msg('<158>1 2012-10-11T03:47:20+00:00 host heroku router - at=info method=GET path="/"').msg).toBe('at=info method=GET path="/"');
  });

  it('keeps text that only looks like structured data as the message', () => {
    expect(msg('<190>1 2024-06-15T12:00:00+00:00 host app web.1 - [INFO] booted').msg).toBe('[INFO] booted');
    expect(msg('<13>1 - - - - - [x@1 a="open').msg).toBe('[x@1 a="open');
    expect(msg('<13>1 - - - - - [x@1]junk').msg).toBe('[x@1]junk');
    expect(msg('<13>1 - - - - - -x').msg).toBe('-x');
    expect(msg('<13>1 - - - - - [x@1] [not@sd] but text').msg).toBe('[not@sd] but text');
  });

  it('undoes the escapes of PARAM-VALUE and keeps other backslashes; repeated names become arrays', () => {
    expect(msg('<13>1 - - - - - [x@1 a="q\\"uo\\\\te\\]d" b="back\\slash" c="" c="2"][x@1 d="merged"] m').sd).toEqual({
      'x@1': { a: 'q"uo\\te]d', b: 'back\\slash', c: ['', '2'], d: 'merged' },
    });
  });

  it('removes a UTF-8 BOM before MSG and keeps any other text as is', () => {
    expect(msg('<13>1 - - - - - - \uFEFFünïcode ✓').msg).toBe('ünïcode ✓');
    expect(msg('<13>1 - - - - - -  two spaces').msg).toBe(' two spaces');
  });

  it('keeps a TIMESTAMP it cannot read as text without a time', () => {
    expect(msg('<13>1 yesterday host app - - - x')).toMatchObject({ timeText: 'yesterday', time: undefined, hostname: 'host' });
    expect(msg('<13>1 2024-02-30T00:00:00Z h a - - - x').time).toBeUndefined();
    expect(msg('<13>1 2024-06-15T10:00:00 h a - - - x').time).toBe(Date.UTC(2024, 5, 15, 10));
  });

  it('reads what `logger --rfc5424` sends', () => {
    expect(msg('<13>1 2024-06-15T11:59:59.123456+02:00 laptop alice - - [timeQuality tzKnown="1" isSynced="1" syncAccuracy="12345"] hello from logger')).toMatchObject({
      hostname: 'laptop', appName: 'alice', time: Date.UTC(2024, 5, 15, 9, 59, 59, 123), msg: 'hello from logger',
      sd: { timeQuality: { tzKnown: '1', isSynced: '1', syncAccuracy: '12345' } },
    });
  });

  it('reports what cannot be read', () => {
    expect(error('')).toBe('empty message');
    expect(error('\r\n\0')).toBe('empty message');
    expect(error('<999>1 - - - - - -')).toBe('invalid PRI: <999>');
    expect(error('<192>1 - - - - - -')).toBe('invalid PRI: <192>');
    expect(error('<013>1 - - - - - -')).toBe('invalid PRI: <013>');
    expect(error('<abc> hi')).toMatch(/^invalid PRI/);
    expect(error('<13 no close')).toMatch(/^invalid PRI/);
    expect(error('<1234>x')).toMatch(/^invalid PRI/);
    expect(error('<13>1 2024-01-01T00:00:00Z host')).toBe('RFC 5424 header truncated after HOSTNAME');
    expect(error('<13>1 2024-01-01T00:00:00Z')).toBe('RFC 5424 header truncated after TIMESTAMP');
    expect(error('<13>1 ')).toBe('RFC 5424 header truncated: missing TIMESTAMP');
    expect(error('<13>1  - - - - -')).toBe('RFC 5424: empty TIMESTAMP (two spaces in the header)');
    expect(parseSyslog('<0>1 - - - - - -', NOW)).toMatchObject({ facility: 0, severity: 0 });
  });
});

describe('RFC 3164 and its variants', () => {
  it('reads the examples of RFC 3164 §5.4, the year the closest to now (October from June: this year)', () => {
    expect(msg("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")).toEqual({
      format: 'rfc3164', facility: 4, severity: 2, time: Date.UTC(2024, 9, 11, 22, 14, 15), hostname: 'mymachine', appName: 'su',
      msg: "'su root' failed for lonvick on /dev/pts/8",
    });
    expect(msg('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!')).toMatchObject({ time: Date.UTC(2024, 1, 5, 17, 32, 18), hostname: '10.0.0.99', appName: undefined, msg: 'Use the BFG!' });
  });

  it('reads a tag with a pid, and a missing HOSTNAME when the word after the time is the tag', () => {
    expect(msg('<30>Jun  5 10:00:00 myhost CRON[1234]: (root) CMD (run-parts)')).toMatchObject({ hostname: 'myhost', appName: 'CRON', procId: '1234', msg: '(root) CMD (run-parts)' });
    expect(msg('<38>Jun 15 11:00:00 sshd[99]: Accepted publickey')).toMatchObject({ hostname: undefined, appName: 'sshd', procId: '99', msg: 'Accepted publickey' });
    expect(msg('<22>Jun 15 11:00:00 mail postfix/smtpd[7]: connect')).toMatchObject({ hostname: 'mail', appName: 'postfix/smtpd', procId: '7' });
    expect(msg('<13>Jun 15 11:00:00 fe80::1 app: x')).toMatchObject({ hostname: 'fe80::1', appName: 'app' });
  });

  it('does not take JSON or key=value text for a tag', () => {
    expect(msg('<13>Jun 15 11:00:00 host {"a":1,"b":"c"}')).toMatchObject({ hostname: 'host', appName: undefined, msg: '{"a":1,"b":"c"}' });
    expect(msg('<13>Jun 15 11:00:00 host level=info: x')).toMatchObject({ appName: undefined, msg: 'level=info: x' });
  });

  it('reads fractions, single-digit days, a year, and the month in any case', () => {
    expect(msg('<13>Jun 15 10:00:00.250 host tag: m').time).toBe(Date.UTC(2024, 5, 15, 10, 0, 0, 250));
    expect(msg('<13>Jun 5 10:00:00 host tag: m').time).toBe(Date.UTC(2024, 5, 5, 10));
    expect(msg('<13>Oct 11 2020 22:14:15 host tag: m').time).toBe(Date.UTC(2020, 9, 11, 22, 14, 15));
    expect(msg('<13>JUN 15 10:00:00 host tag: m').time).toBe(Date.UTC(2024, 5, 15, 10));
  });

  it("reads rsyslog's RFC 3339 time in RFC 3164's place, only after a PRI", () => {
    expect(msg('<13>2024-06-15T10:00:00.123+01:00 host tag: msg')).toMatchObject({ time: Date.UTC(2024, 5, 15, 9, 0, 0, 123), timeText: '2024-06-15T10:00:00.123+01:00', hostname: 'host', appName: 'tag', msg: 'msg' });
    expect(parseSyslog('2024-06-15T10:00:00Z host tag: msg', NOW)).toEqual({ format: 'plain', msg: '2024-06-15T10:00:00Z host tag: msg' });
  });

  it('reads lines without PRI (files) when they start with a time, and without time when they have a PRI', () => {
    expect(msg('Jun 15 10:00:00 host app[7]: started')).toEqual({ format: 'rfc3164', time: Date.UTC(2024, 5, 15, 10), hostname: 'host', appName: 'app', procId: '7', msg: 'started' });
    expect(msg('<11>kernel: oops')).toMatchObject({ severity: 3, appName: 'kernel', msg: 'oops', time: undefined });
    expect(msg('<11>no tag here')).toMatchObject({ msg: 'no tag here', appName: undefined });
    expect(parseSyslog('error: disk full', NOW)).toEqual({ format: 'plain', msg: 'error: disk full' });
    expect(parseSyslog('\uFEFFplain', NOW)).toEqual({ format: 'plain', msg: 'plain' });
  });

  it('treats an impossible time as message text', () => {
    expect(msg('<13>Jun 15 25:00:00 host t: x')).toMatchObject({ time: undefined, msg: 'Jun 15 25:00:00 host t: x' });
    expect(parseSyslog('Feb 30 10:00:00 host t: x', NOW)).toMatchObject({ format: 'plain' });
  });

  it('does not read __proto__ or constructor as months', () => {
    expect(parseSyslog('constructor 1 00:00:00 x', NOW)).toMatchObject({ format: 'plain' });
  });
});
