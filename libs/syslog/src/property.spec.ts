/**
 * Properties of the grammar: what we write we read back; a line reads the same whichever
 * transport framed it; nothing throws.
 */
import fc from 'fast-check';
import { formatRfc3164, formatRfc5424, octetCounted } from './format';
import { SyslogFramer, splitOctetCounted, type FramerEvent } from './framing';
import type { StructuredData, SyslogParseResult } from './message';
import { parseSyslog } from './parse';
import { syslogLine } from './record';

const FROM = Date.UTC(2000, 0, 1);
const TO = Date.UTC(2090, 0, 1);

/** A header value: printable US-ASCII without spaces, not the NILVALUE. */
const headerValue = (max: number) => fc.stringMatching(new RegExp(`^[!-~]{1,${max}}$`)).filter((s) => s !== '-');
const sdNameArb = fc.stringMatching(/^[!#-<>-\\^-~]{1,20}$/).filter((s) => s !== '__proto__');
const sdId = fc.oneof(
  fc.constantFrom('timeQuality', 'origin', 'meta'),
  fc.tuple(fc.stringMatching(/^[!#-<>?A-\\^-~]{1,15}$/), fc.integer({ min: 1, max: 99999 })).map(([n, pen]) => `${n}@${pen}`),
);
const sdValue = fc.oneof(fc.fullUnicodeString({ maxLength: 12 }), fc.constantFrom('"', '\\', ']', 'a\\"b', '\\\\]'));
const sd: fc.Arbitrary<StructuredData> = fc.dictionary(sdId, fc.dictionary(sdNameArb, fc.oneof(sdValue, fc.array(sdValue, { minLength: 2, maxLength: 3 })), { maxKeys: 3 }), { minKeys: 1, maxKeys: 3 });
/** MSG: any text but a leading BOM or trailing line terminators (framing and the grammar drop those). */
const msgText = fc.fullUnicodeString({ maxLength: 60 }).filter((m) => m.charCodeAt(0) !== 0xfeff && !/[\n\r\0]$/.test(m));

const rfc5424 = fc.record({
  facility: fc.integer({ min: 0, max: 23 }),
  severity: fc.integer({ min: 0, max: 7 }),
  time: fc.integer({ min: FROM, max: TO }),
  hostname: fc.option(headerValue(255), { nil: undefined }),
  appName: fc.option(headerValue(48), { nil: undefined }),
  procId: fc.option(headerValue(128), { nil: undefined }),
  msgId: fc.option(headerValue(32), { nil: undefined }),
  sd: fc.option(sd, { nil: undefined }),
  msg: msgText,
});

describe('format → parse round trip', () => {
  it('reads back every field of an RFC 5424 message it wrote', () => {
    fc.assert(fc.property(rfc5424, (m) => {
      const parsed = parseSyslog(formatRfc5424(m), Date.now());
      expect(parsed).toEqual({ format: 'rfc5424', ...m, timeText: new Date(m.time).toISOString() });
    }), { numRuns: 500 });
  });

  it('reads back an RFC 3164 message it wrote, the year inferred from a receive time within months of it', () => {
    const tag = fc.stringMatching(/^[A-Za-z0-9_./-]{1,32}$/);
    fc.assert(fc.property(
      fc.record({
        facility: fc.integer({ min: 0, max: 23 }),
        severity: fc.integer({ min: 0, max: 7 }),
        time: fc.integer({ min: FROM, max: TO }).map((t) => Math.floor(t / 1000) * 1000),
        hostname: fc.option(fc.stringMatching(/^[A-Za-z0-9.-]{1,40}$/), { nil: undefined }),
        appName: tag,
        procId: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { nil: undefined }),
        msg: msgText,
      }),
      fc.integer({ min: -170, max: 170 }),
      (m, days) => {
        const parsed = parseSyslog(formatRfc3164(m), m.time + days * 86_400_000);
        expect(parsed).toEqual({ format: 'rfc3164', ...m });
      },
    ), { numRuns: 500 });
  });
});

function framesOf(events: FramerEvent[]): string[] {
  return events.map((e) => ('frame' in e ? e.frame.toString('utf8') : `ERROR ${e.error}`));
}

/** A stream cut at arbitrary points, as TCP delivers it. */
function throughFramer(stream: Buffer, cuts: number[]): string[] {
  const framer = new SyslogFramer();
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: FramerEvent[] = [];
  let last = 0;
  for (const p of [...points, stream.length]) {
    out.push(...framer.push(stream.subarray(last, p)));
    last = p;
  }
  out.push(...framer.end());
  return framesOf(out);
}

describe('SyslogFramer on any stream', () => {
  it('yields every frame, exactly, however the stream is chunked (property)', () => {
    const text = fc.stringOf(fc.constantFrom('a', 'Z', ' ', '\n', '\r', '\0', '<', '>', '1', '9', 'é', '😀'), { maxLength: 40 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.boolean()), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (msgs, cuts) => {
        // Octet-counted messages may contain anything; newline-framed ones no LF or NUL.
        const expected = msgs.map(([m, counted]) => {
          if (counted) return `<13>${m}`;
          const flat = `<13>${m.replace(/[\n\0]/g, ' ')}`;
          return flat.endsWith('\r') ? flat.slice(0, -1) : flat;
        });
        const stream = Buffer.from(msgs.map(([m, counted]) => (counted ? octetCounted(`<13>${m}`) : `<13>${m.replace(/[\n\0]/g, ' ')}\n`)).join(''));
        expect(throughFramer(stream, cuts)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the same line gives the same result over every transport', () => {
  const now = Date.parse('2024-06-15T12:00:00Z');
  /** Lines as senders write them: RFC 5424, RFC 3164, and text a grammar has to cope with. */
  const line = fc.oneof(
    rfc5424.map((m) => formatRfc5424(m)),
    rfc5424.map((m) => formatRfc5424(m, { structuredData: false })),
    fc.record({ severity: fc.integer({ min: 0, max: 7 }), time: fc.integer({ min: now - 1e10, max: now + 1e10 }), hostname: fc.constant('h'), appName: fc.constant('app'), msg: msgText })
      .map((m) => formatRfc3164(m)),
    fc.stringOf(fc.constantFrom('<', '>', '1', '3', ' ', '-', '[', ']', '"', '=', '\\', 'a', '@', ':', 'Jan 5 10:00:00', '2024-01-01T00:00:00Z', '\uFEFF', 'é'), { maxLength: 60 })
      .map((s) => `<13>${s}`),
  ).map((l) => l.replace(/[\n\0]/g, ' ').replace(/[\r ]+$/, '')).filter((l) => l.length > 4);

  it('UDP (one datagram), TCP octet-counted and newline-framed however chunked, and a Logplex body agree', () => {
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (lines, cuts) => {
      const datagrams = lines.map((l) => stored(parseSyslog(l, now)));
      const octet = throughFramer(Buffer.from(lines.map(octetCounted).join('')), cuts);
      const newline = throughFramer(Buffer.from(lines.map((l) => `${l}\n`).join('')), cuts);
      const body = Buffer.from(lines.map((l) => octetCounted(`${l}\n`)).join(''));
      const logplex: string[] = [];
      splitOctetCounted(body, {
        frame: (start, end) => logplex.push(body.toString('utf8', start, end)),
        unframed: () => logplex.push('UNFRAMED'),
        truncated: () => logplex.push('TRUNCATED'),
      });
      for (const frames of [octet, newline, logplex]) {
        expect(frames.map((f) => stored(parseSyslog(f, now)))).toEqual(datagrams);
      }
    }), { numRuns: 300 });
  });

  it('never throws, and every message it reads makes a line', () => {
    fc.assert(fc.property(fc.oneof(fc.fullUnicodeString({ maxLength: 200 }), line), (text) => {
      const parsed = parseSyslog(text, now);
      if (!('error' in parsed) && parsed.format !== 'plain') expect(typeof syslogLine(parsed).line).toBe('string');
    }), { numRuns: 1000 });
  });
});

/** What a transport would store of a frame: the line of a message, the text of plain text, or the error. */
function stored(parsed: SyslogParseResult): unknown {
  if ('error' in parsed) return parsed;
  return parsed.format === 'plain' ? { line: parsed.msg } : syslogLine(parsed);
}
