import { octetCounted, parseSyslog, splitOctetCounted, SyslogFramer } from '@millrace/syslog';
import { jsonBody, logplexBody, rfc5424, syslogFrames, syslogPri, type DrainLine } from './framing';

const line: DrainLine = { ts: Date.UTC(2024, 0, 2, 3, 4, 5, 678), app: 'web', host: 'host-1', level: 'error', line: 'boom: ünïcode' };

describe('drain framing', () => {
  it('writes RFC 5424 messages with facility user and the level as severity', () => {
    expect(rfc5424(line)).toBe('<11>1 2024-01-02T03:04:05.678Z host-1 web - - - boom: ünïcode');
    expect(syslogPri('warn')).toBe(12);
    expect(syslogPri(undefined)).toBe(14);
    expect(syslogPri('custom')).toBe(13);
  });

  it('keeps header fields printable ASCII without spaces, bounded, and `-` when empty', () => {
    expect(rfc5424({ ...line, app: 'my app', host: '' })).toBe('<11>1 2024-01-02T03:04:05.678Z - my_app - - - boom: ünïcode');
    expect(rfc5424({ ...line, app: 'x'.repeat(60), host: 'ä' })).toBe(`<11>1 2024-01-02T03:04:05.678Z _ ${'x'.repeat(48)} - - - boom: ünïcode`);
  });

  it('writes what the gateway reads back as the same line (TCP frames and Logplex bodies)', () => {
    const lines: DrainLine[] = [line, { ...line, procId: 'web.1', level: 'warn', line: '- starts with a dash' }, { ...line, line: '' }];
    const framer = new SyslogFramer();
    const viaTcp = framer.push(syslogFrames(lines)).map((e) => ('frame' in e ? parseSyslog(e.frame.toString('utf8'), Date.now()) : e));
    const body = logplexBody(lines);
    const viaLogplex: unknown[] = [];
    splitOctetCounted(body, { frame: (s, e) => viaLogplex.push(parseSyslog(body.toString('utf8', s, e), Date.now())), unframed: () => undefined, truncated: () => undefined });
    const expected = lines.map((l) => expect.objectContaining({ format: 'rfc5424', time: l.ts, hostname: l.host, appName: l.app, procId: l.procId, msg: l.line }));
    expect(viaTcp).toEqual(expected);
    // Logplex frames have no STRUCTURED-DATA: a message starting with `- ` is the one thing that reads differently.
    expect(viaLogplex).toEqual([expected[0], expect.objectContaining({ msg: 'starts with a dash' }), expected[2]]);
  });

  it('octet-counts in bytes, not characters', () => {
    expect(octetCounted('ü')).toBe('2 ü');
    const frames = syslogFrames([line, { ...line, line: 'second\nline' }]).toString('utf8');
    const first = rfc5424(line);
    expect(frames.startsWith(`${Buffer.byteLength(first)} ${first}`)).toBe(true);
    expect(frames.endsWith('- - - second\nline')).toBe(true);
  });

  it('writes Logplex bodies as Heroku does: no structured data, newline counted in the length', () => {
    const body = logplexBody([{ ts: Date.UTC(2012, 10, 30, 6, 45, 29), app: 'app', host: 'host', procId: 'web.3', level: 'info', line: 'State changed from starting to up' }]).toString();
    expect(body).toBe('83 <14>1 2012-11-30T06:45:29.000Z host app web.3 - State changed from starting to up\n'.replace('83', String(Buffer.byteLength('<14>1 2012-11-30T06:45:29.000Z host app web.3 - State changed from starting to up\n'))));
  });

  it('writes JSON bodies as an array of lines with ISO times', () => {
    expect(JSON.parse(jsonBody([{ ...line, tags: ['a'], meta: { k: 1 } }, { ts: 0, app: 'a', host: 'h', line: 'x' }]).toString())).toEqual([
      { ts: '2024-01-02T03:04:05.678Z', app: 'web', host: 'host-1', level: 'error', line: 'boom: ünïcode', tags: ['a'], meta: { k: 1 } },
      { ts: '1970-01-01T00:00:00.000Z', app: 'a', host: 'h', line: 'x' },
    ]);
  });
});
