import { octetCounted } from './format';
import { splitOctetCounted, SyslogFramer, type FramerEvent } from './framing';

const octet = octetCounted;

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
});

describe('splitOctetCounted (whole bodies: Logplex)', () => {
  function split(body: string): string[] {
    const buf = Buffer.from(body);
    const out: string[] = [];
    splitOctetCounted(buf, {
      frame: (start, end) => out.push(buf.toString('utf8', start, end)),
      unframed: (at, resumesAt) => out.push(`UNFRAMED ${at} ${resumesAt}`),
      truncated: (at, declared, present) => out.push(`TRUNCATED ${at} ${declared} ${present}`),
    });
    return out;
  }

  it('yields the frames back to back or with newlines between them', () => {
    expect(split(`${octet('<13>1 - - - - - a\n')}\r\n${octet('<13>1 - - - - - b')}\n`)).toEqual(['<13>1 - - - - - a\n', '<13>1 - - - - - b']);
    expect(split('')).toEqual([]);
  });

  it('resynchronises on the next line that starts like a frame, and says when nothing can be read', () => {
    const a = octet('<13>1 - - - - - a');
    expect(split(`${a}garbage line\n${octet('<13>1 - - - - - b')}`)).toEqual(['<13>1 - - - - - a', `UNFRAMED ${a.length} ${a.length + 13}`, '<13>1 - - - - - b']);
    expect(split('no frame at all')).toEqual(['UNFRAMED 0 -1']);
  });

  it('reports a last frame cut short', () => {
    expect(split('50 <13>short')).toEqual(['TRUNCATED 0 50 9']);
  });
});
