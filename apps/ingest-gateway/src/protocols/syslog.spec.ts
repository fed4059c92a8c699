import fc from 'fast-check';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { findKeyInStructuredData, parseStructuredData, parseSyslog, parseSyslogMessage, SyslogFramer, type FramerEvent } from './syslog';

const NOW = new Date('2024-06-15T12:00:00Z');

function line(frame: string, now: Date = NOW): RawLine {
  const parsed = parseSyslogMessage(frame, now);
  if ('error' in parsed) throw new Error(`unexpected error: ${parsed.error}`);
  expect(rawLineSchema.safeParse(parsed).success).toBe(true);
  return parsed;
}

function error(frame: string): string {
  const parsed = parseSyslogMessage(frame, NOW);
  if (!('error' in parsed)) throw new Error(`expected an error for ${frame}`);
  return parsed.error;
}

describe('parseSyslogMessage: RFC 5424', () => {
  it('parses the RFC examples', () => {
    expect(line("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8")).toEqual({
      line: "'su root' failed for lonvick on /dev/pts/8",
      ts: '2003-10-11T22:14:15.003Z',
      host: 'mymachine.example.com',
      app: 'su',
      level: 'fatal',
      meta: { facility: 'auth', severity: 2, msgid: 'ID47' },
    });
    expect(line("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nothing.")).toEqual({
      line: "%% It's time to make the do-nothing.",
      ts: '2003-08-24T05:14:15.000003-07:00',
      host: '192.0.2.1',
      app: 'myproc',
      level: 'info',
      meta: { facility: 'local4', severity: 5, procid: '8710' },
    });
  });

  it('parses structured data with several elements and escapes', () => {
    const l = line('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] An application event');
    expect(l.line).toBe('An application event');
    expect(l.meta!.sd).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      'examplePriority@32473': { class: 'high' },
    });
    const esc = line('<13>1 - - - - - [x@1 a="q\\"uo\\\\te\\]d" b="back\\slash" c="" c="2"]');
    expect(esc.meta!.sd).toEqual({ 'x@1': { a: 'q"uo\\te]d', b: 'back\\slash', c: ['', '2'] } });
    expect(esc.line).toBe('');
  });

  it('maps nil values to absent fields and keeps a message with no SD', () => {
    expect(line('<14>1 - - - - - -')).toEqual({ line: '', level: 'info', meta: { facility: 'user', severity: 6 } });
    expect(line('<14>1 - - - - - - hello')).toEqual({ line: 'hello', level: 'info', meta: { facility: 'user', severity: 6 } });
  });

  it('parses what `logger --rfc5424` sends', () => {
    const l = line('<13>1 2024-06-15T11:59:59.123456+02:00 laptop alice - - [timeQuality tzKnown="1" isSynced="1" syncAccuracy="12345"] hello from logger');
    expect(l).toMatchObject({ line: 'hello from logger', host: 'laptop', app: 'alice', ts: '2024-06-15T11:59:59.123456+02:00', level: 'info' });
    expect(l.meta!.sd).toEqual({ timeQuality: { tzKnown: '1', isSynced: '1', syncAccuracy: '12345' } });
  });

  it('maps every severity to a level', () => {
    const levels = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => line(`<${8 + s}>1 - - - - - - x`).level);
    expect(levels).toEqual(['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug']);
  });

  it('reports malformed messages', () => {
    expect(error('')).toBe('empty message');
    expect(error('\r\n')).toBe('empty message');
    expect(error('<999>1 - - - - - -')).toMatch(/^invalid PRI/);
    expect(error('<abc> hi')).toMatch(/^invalid PRI/);
    expect(error('<13 no close')).toMatch(/^invalid PRI/);
    expect(error('<013>1 - - - - - -')).toMatch(/^invalid PRI/);
    expect(error('<13>1 2024-01-01T00:00:00Z host')).toMatch(/^RFC 5424 header truncated/);
    expect(error('<13>1 2024-01-01T00:00:00Z host app 1 ID')).toMatch(/^RFC 5424 header truncated after MSGID/);
    expect(error('<13>1 - - - - - [x@1 a="open')).toMatch(/^invalid STRUCTURED-DATA at char \d+: unterminated PARAM-VALUE/);
    expect(error('<13>1 - - - - - [x@1 a=1]')).toMatch(/expected ="/);
    expect(error('<13>1 - - - - - [x@1]junk')).toMatch(/expected a space before MSG/);
    expect(error('<13>1 - - - - - [ x]')).toMatch(/expected an SD-ID/);
    expect(error('<13>1  - - - - -')).toMatch(/empty TIMESTAMP/);
  });
});

describe('ingestion keys in structured data', () => {
  it('takes the key out of [millrace@53595 key=...] and keeps the other params', () => {
    const parsed = parseSyslog('<14>1 2024-01-01T00:00:00Z host app 123 - [millrace@53595 key="mlr_ik_secret" env="prod"][meta@1 a="b"] hello', NOW);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.key).toBe('mlr_ik_secret');
    expect(parsed.line.meta!.sd).toEqual({ 'millrace@53595': { env: 'prod' }, 'meta@1': { a: 'b' } });
    expect(JSON.stringify(parsed.line)).not.toContain('mlr_ik_secret');
  });

  it('removes an element left empty, and accepts [key@41058 key=...]', () => {
    const parsed = parseSyslog('<14>1 - - - - - [key@41058 key="tok"] hi', NOW);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.key).toBe('tok');
    expect(parsed.line.meta).toEqual({ facility: 'user', severity: 6 });
    const plain = parseSyslogMessage('<14>1 - - - - - [key@41058 key="tok"] hi', NOW);
    expect(JSON.stringify(plain)).not.toContain('tok');
  });

  it('ignores keys under other SD-IDs and cleans every accepted element', () => {
    const sd = parseStructuredData('[other@1 key="x"][millrace@53595 key="a" key="b"][key@41058 key="c"]', 0);
    if ('error' in sd) throw new Error(sd.error);
    expect(findKeyInStructuredData(sd.sd)).toBe('a');
    expect(sd.sd).toEqual({ 'other@1': { key: 'x' } });
    expect(findKeyInStructuredData(undefined)).toBeUndefined();
  });
});

describe('parseSyslogMessage: RFC 3164 and lenient variants', () => {
  it('parses the classic BSD format with the year inferred', () => {
    expect(line("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")).toEqual({
      line: "'su root' failed for lonvick on /dev/pts/8",
      ts: Date.UTC(2023, 9, 11, 22, 14, 15),
      host: 'mymachine',
      app: 'su',
      level: 'fatal',
      meta: { facility: 'auth', severity: 2 },
    });
    expect(line('<30>Jun  5 10:00:00 myhost CRON[1234]: (root) CMD (run-parts)')).toEqual({
      line: '(root) CMD (run-parts)',
      ts: Date.UTC(2024, 5, 5, 10, 0, 0),
      host: 'myhost',
      app: 'CRON',
      level: 'info',
      meta: { facility: 'daemon', severity: 6, procid: '1234' },
    });
  });

  it('keeps a message without a tag as is', () => {
    expect(line('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!')).toMatchObject({ line: 'Use the BFG!', host: '10.0.0.99' });
    expect(line('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!').app).toBeUndefined();
  });

  it('sees a missing HOSTNAME when the next word is the tag', () => {
    const l = line('<38>Jun 15 11:00:00 sshd[99]: Accepted publickey for alice');
    expect(l).toMatchObject({ line: 'Accepted publickey for alice', app: 'sshd', meta: { procid: '99', facility: 'auth' } });
    expect(l.host).toBeUndefined();
  });

  it('accepts an ISO timestamp (rsyslog forward format) and milliseconds', () => {
    expect(line('<13>2024-06-15T10:00:00.123+01:00 host tag: msg')).toMatchObject({ ts: '2024-06-15T10:00:00.123+01:00', host: 'host', app: 'tag', line: 'msg' });
    expect(line('<13>Jun 15 10:00:00.250 host tag: msg').ts).toBe(Date.UTC(2024, 5, 15, 10, 0, 0, 250));
  });

  it('accepts messages without PRI (no level then) and plain text', () => {
    const noPri = line('Jun 15 10:00:00 host app[7]: started');
    expect(noPri).toEqual({ line: 'started', ts: Date.UTC(2024, 5, 15, 10), host: 'host', app: 'app', meta: { procid: '7' } });
    expect(line('error: disk full')).toEqual({ line: 'error: disk full' });
    expect(line('<11>kernel: oops')).toMatchObject({ line: 'oops', app: 'kernel', level: 'error' });
    expect(line('<11>no tag here')).toMatchObject({ line: 'no tag here', level: 'error' });
  });

  it('picks the year nearest to now around New Year', () => {
    expect(line('<13>Dec 31 23:59:59 h t: x', new Date('2024-01-01T00:00:05Z')).ts).toBe(Date.UTC(2023, 11, 31, 23, 59, 59));
    expect(line('<13>Jan  1 00:00:01 h t: x', new Date('2023-12-31T23:59:58Z')).ts).toBe(Date.UTC(2024, 0, 1, 0, 0, 1));
  });

  it('treats an impossible time as message text', () => {
    expect(line('<13>Jun 15 25:00:00 host t: x')).toMatchObject({ line: 'Jun 15 25:00:00 host t: x' });
  });

  it('truncates long messages and bounds the header fields', () => {
    const parsed = parseSyslog(`<13>1 - ${'h'.repeat(1000)} - - - - ${'x'.repeat(LIMITS.maxLineBytes + 5)}`, NOW);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.truncated).toBe(true);
    expect(Buffer.byteLength(parsed.line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
    expect(rawLineSchema.safeParse(parsed.line).success).toBe(true);
  });

  it('accepts a Buffer with invalid UTF-8', () => {
    expect(line(Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x78, 0xff]).toString('latin1'))).toBeDefined();
    const parsed = parseSyslogMessage(Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x78, 0xff]), NOW);
    expect(parsed).toMatchObject({ line: 'x\ufffd' });
  });
});

const octet = (msg: string): string => `${Buffer.byteLength(msg)} ${msg}`;

function frames(events: FramerEvent[]): string[] {
  return events.map((e) => ('frame' in e ? e.frame.toString('utf8') : `ERROR ${e.error}`));
}

describe('SyslogFramer', () => {
  const a = '<13>1 2024-01-01T00:00:00Z h app - - - first';
  const b = '<13>1 2024-01-01T00:00:00Z h app - - - second\nwith a newline inside';

  it('splits octet-counted frames, including ones containing LF', () => {
    const framer = new SyslogFramer();
    expect(frames(framer.push(Buffer.from(octet(a) + octet(b))))).toEqual([a, b]);
    expect(framer.buffered).toBe(0);
  });

  it('splits LF, CRLF and NUL terminated frames', () => {
    expect(frames(new SyslogFramer().push(Buffer.from('<13>one\n<13>two\r\n<13>three\0<13>four\n')))).toEqual(['<13>one', '<13>two', '<13>three', '<13>four']);
  });

  it('detects the framing per frame on the same connection', () => {
    const mixed = `${octet(a)}<13>Jan  1 00:00:00 h t: plain\n${octet(b)}\n2024 is not a length\n`;
    expect(frames(new SyslogFramer().push(Buffer.from(mixed)))).toEqual([a, '<13>Jan  1 00:00:00 h t: plain', b, '2024 is not a length']);
  });

  it('buffers partial frames across chunks, byte by byte', () => {
    const stream = Buffer.from(`${octet(a)}<13>x\n${octet(b)}`);
    const framer = new SyslogFramer();
    const out: FramerEvent[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...framer.push(stream.subarray(i, i + 1)));
    expect(frames(out)).toEqual([a, '<13>x', b]);
  });

  it('reports an oversized newline frame and resynchronises after its terminator', () => {
    const framer = new SyslogFramer(100);
    const out = [...framer.push(Buffer.from('x'.repeat(150))), ...framer.push(Buffer.from('yyy\n<13>next\n'))];
    expect(frames(out)).toEqual(['ERROR frame exceeds 100 bytes without a line terminator', '<13>next']);
    expect(framer.buffered).toBe(0);
    expect(frames(new SyslogFramer(10).push(Buffer.from(`${'z'.repeat(20)}\n<13>ok\n`)))).toEqual(['ERROR frame of 20 bytes exceeds 10', '<13>ok']);
  });

  it('reports an oversized length prefix, skips that frame and carries on', () => {
    const framer = new SyslogFramer(64);
    const big = `<13>${'x'.repeat(96)}`;
    const out = [...framer.push(Buffer.from(`100 ${big.slice(0, 50)}`)), ...framer.push(Buffer.from(`${big.slice(50)}<13>after\n`))];
    expect(frames(out)).toEqual(['ERROR octet count 100 exceeds the maximum frame of 64 bytes', '<13>after']);
    expect(frames(new SyslogFramer().push(Buffer.from('99999999 <13>...')))[0]).toBe('ERROR octet count 99999999 exceeds the maximum frame of 65536 bytes');
  });

  it('keeps memory bounded while waiting for a frame', () => {
    const framer = new SyslogFramer(1000);
    for (let i = 0; i < 100; i++) framer.push(Buffer.from('x'.repeat(500)));
    expect(framer.buffered).toBeLessThanOrEqual(1000);
    framer.push(Buffer.from(`900 <${'y'.repeat(500)}`));
    expect(framer.buffered).toBeLessThanOrEqual(1000 + 12);
  });

  it('flushes an unterminated last frame at end, and reports a cut octet frame', () => {
    const framer = new SyslogFramer();
    expect(framer.push(Buffer.from('<13>no newline at end'))).toEqual([]);
    expect(frames(framer.end())).toEqual(['<13>no newline at end']);
    const cut = new SyslogFramer();
    cut.push(Buffer.from('50 <13>short'));
    expect(frames(cut.end())[0]).toMatch(/^ERROR connection closed inside an octet-counted frame/);
    expect(new SyslogFramer().end()).toEqual([]);
  });

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
        const stream = Buffer.from(msgs.map(([m, counted]) => (counted ? octet(`<13>${m}`) : `<13>${m.replace(/[\n\0]/g, ' ')}\n`)).join(''));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y);
        const framer = new SyslogFramer();
        const out: FramerEvent[] = [];
        let last = 0;
        for (const p of [...points, stream.length]) {
          out.push(...framer.push(stream.subarray(last, p)));
          last = p;
        }
        out.push(...framer.end());
        expect(frames(out)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
