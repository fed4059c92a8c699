/**
 * A syslog line gives the same event whether the gateway received it over TCP/TLS/UDP (header
 * taken off there, with `@millrace/syslog`) or it came inside an HTTP body (header taken off
 * here, with the same grammar).
 */
import fc from 'fast-check';
import { logEventSchema, type LogEvent, type Protocol, type RawLine } from '@millrace/log-schema';
import { formatRfc3164, formatRfc5424, parseSyslog, syslogLine } from '@millrace/syslog';
import { parseBatch } from './index';

const RECEIVED_AT = Date.parse('2024-03-10T12:00:00Z');

function events(protocol: Protocol, lines: RawLine[]): { events: LogEvent[]; formats: Record<string, number> } {
  const { events, stats } = parseBatch({ v: 1, tenant: 'acme', batchId: '01HRZ8X7Q6V3M2K1J0H9G8F7E6', receivedAt: RECEIVED_AT, source: { protocol }, lines });
  for (const e of events) expect(logEventSchema.safeParse(e).success).toBe(true);
  return { events, formats: stats.formats as Record<string, number> };
}

/** What the ingest-gateway's syslog listeners make of a frame (less the key and the bounds they add). */
function overTcp(line: string): RawLine {
  const msg = parseSyslog(line, RECEIVED_AT);
  if ('error' in msg) return { line };
  return msg.format === 'plain' ? { line: msg.msg } : syslogLine(msg);
}

/** The events without what differs by nature: the protocol that carried them. */
function comparable(list: LogEvent[]): Omit<LogEvent, 'source'>[] {
  return list.map(({ source: _source, ...rest }) => rest);
}

describe('syslog over TCP and inside HTTP bodies', () => {
  it('gives the same event for the examples that matter', () => {
    const lines = [
      '<165>1 2024-03-10T11:14:15.003Z gw-01 billing 8812 ID47 [meta@32473 region="eu-west"] invoice batch closed',
      '<14>1 2024-03-10T11:00:00Z web-3 api - - - {"level":"warn","msg":"slow query","ms":812}',
      '<190>1 2024-03-10T11:59:58.123456+00:00 shuttle token shuttle - - Hello World',
      '<34>Mar  9 22:14:15 mymachine su[2231]: \'su root\' failed',
      '<30>Dec 31 23:59:58 edge-2 systemd[1]: Started Daily apt upgrade.',
      'Mar 10 06:25:01 cron-host CRON[5512]: (root) CMD (run-parts /etc/cron.daily)',
      '<190>2024-03-10T11:11:11.111111+00:00 lb-1 haproxy[99]: level=error msg="backend down" backend=pool-b',
      '<13>1 2099-01-01T00:00:00Z h a - - - from the future',
      '<13>1 yesterday h a - - - an unreadable time',
      '<999>1 broken',
    ];
    const http = events('http-text', lines.map((line) => ({ line })));
    const tcp = events('syslog', lines.map(overTcp));
    expect(comparable(tcp.events)).toEqual(comparable(http.events));
    const [sd, json, shuttle, bsd, december] = http.events;
    expect(sd).toMatchObject({ message: 'invoice batch closed', app: 'billing', host: 'gw-01', level: 'info', fields: { syslog: { facility: 'local4', severity: 5, procid: '8812', msgid: 'ID47', sd: { meta_32473: { region: 'eu-west' } } } } });
    // A JSON body's level ranks above the severity, over TCP as over HTTP.
    expect(json).toMatchObject({ message: 'slow query', level: 'warn', fields: { ms: 812, syslog: { facility: 'user', severity: 6 } } });
    expect(shuttle).toMatchObject({ message: 'Hello World', app: 'token', host: 'shuttle', fields: { syslog: { procid: 'shuttle' } } });
    expect(bsd).toMatchObject({ ts: Date.UTC(2024, 2, 9, 22, 14, 15), level: 'fatal', app: 'su' });
    expect(december.ts).toBe(Date.UTC(2023, 11, 31, 23, 59, 58));
    expect(http.events[7].fields).toMatchObject({ original_timestamp: '2099-01-01T00:00:00Z' });
    expect(http.events[8]).toMatchObject({ ts: RECEIVED_AT, fields: { syslog: { timestamp: 'yesterday' } } });
    expect(http.events[9]).toMatchObject({ message: '<999>1 broken' });
    // Counted as syslog either way (over TCP an RFC 3164 header with an RFC 3339 time counts as 5424).
    expect(http.formats).toEqual({ syslog5424: 5, syslog3164: 4, plain: 1 });
    expect(tcp.formats).toEqual({ syslog5424: 6, syslog3164: 3, plain: 1 });
  });

  it('lets the transport name app, host and level before the header does, as the gateway would', () => {
    const [e] = events('http-text', [{ line: '<11>1 - h a - - - boom', app: 'given', level: 'warn' }]).events;
    expect(e).toMatchObject({ app: 'given', host: 'h', level: 'warn', message: 'boom' });
  });

  it('gives the same events for any syslog line, in any batch (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
    const body = fc.oneof(
      fc.fullUnicodeString({ maxLength: 40 }),
      fc.record({ level: fc.constantFrom('debug', 'info', 'warn', 'error', 'WARNING', 'bogus'), msg: fc.string({ maxLength: 20 }), n: fc.integer(), app: word }).map((o) => JSON.stringify(o)),
      fc.tuple(word, word, fc.constantFrom('info', 'error')).map(([a, b, l]) => `level=${l} ${a}=${b} msg="${b} ${a}"`),
      fc.constantFrom('ERROR something broke', '\tat com.example.Foo.bar(Foo.java:12)', 'java.lang.IllegalStateException: boom', '[warn] disk', ''),
    ).filter((m) => !/[\n\r\0]/.test(m) && m.charCodeAt(0) !== 0xfeff);
    const when = fc.integer({ min: RECEIVED_AT - 200 * 86_400_000, max: RECEIVED_AT + 2 * 86_400_000 });
    const header = fc.record({
      facility: fc.integer({ min: 0, max: 23 }), severity: fc.integer({ min: 0, max: 7 }), time: when,
      hostname: fc.option(word, { nil: undefined }), appName: fc.option(word, { nil: undefined }), procId: fc.option(word, { nil: undefined }),
      msgId: fc.option(word, { nil: undefined }), sd: fc.option(fc.dictionary(fc.constantFrom('x@1', 'meta', 'origin'), fc.dictionary(word, fc.string({ maxLength: 8 }), { maxKeys: 2 }), { minKeys: 1, maxKeys: 2 }), { nil: undefined }),
    });
    const line = fc.oneof(
      fc.tuple(header, body).map(([h, msg]) => formatRfc5424({ ...h, msg })),
      fc.tuple(header, body).map(([h, msg]) => formatRfc5424({ ...h, msg }, { structuredData: false })),
      fc.tuple(header, body).map(([h, msg]) => formatRfc3164({ ...h, appName: h.appName ?? 'app', msg })),
      fc.tuple(header, body).map(([h, msg]) => formatRfc3164({ ...h, appName: h.appName ?? 'app', msg }).replace(/^<\d+>/, '')),
    );
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
      const http = events('http-text', lines.map((l) => ({ line: l })));
      const tcp = events('syslog', lines.map(overTcp));
      expect(comparable(tcp.events)).toEqual(comparable(http.events));
    }), { numRuns: 300 });
  });
});
