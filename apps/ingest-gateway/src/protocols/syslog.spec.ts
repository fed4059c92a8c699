// The grammar itself is tested in libs/syslog; here: keys, bounds and the RawLine the gateway stores.
import { parseStructuredData } from '@millrace/syslog';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { findKeyInStructuredData, leadingKeyEnd, parseSyslog, type ParsedSyslog } from './syslog';

const NOW = new Date('2024-06-15T12:00:00Z');
const KEY = `mlr_ik_${'A1_-'.repeat(10)}xyz`;

function parsed(frame: string | Buffer): ParsedSyslog {
  const p = parseSyslog(frame, NOW);
  expect(rawLineSchema.safeParse(p.line).success).toBe(true);
  return p;
}

function line(frame: string | Buffer): RawLine {
  const p = parsed(frame);
  expect(p.malformed).toBeUndefined();
  return p.line;
}

describe('parseSyslog: frames to RawLines', () => {
  it('maps RFC 5424: the TIMESTAMP as written, header values under meta.syslog', () => {
    expect(line("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8")).toEqual({
      line: "'su root' failed for lonvick on /dev/pts/8",
      ts: '2003-10-11T22:14:15.003Z',
      host: 'mymachine.example.com',
      app: 'su',
      level: 'fatal',
      meta: { syslog: { facility: 'auth', severity: 2, msgid: 'ID47' } },
    });
    expect(line('<14>1 - - - - - - hello')).toEqual({ line: 'hello', level: 'info', meta: { syslog: { facility: 'user', severity: 6 } } });
  });

  it('maps RFC 3164: the time as epoch ms, its year the closest to now', () => {
    expect(line('<30>Jun  5 10:00:00 myhost CRON[1234]: (root) CMD (run-parts)')).toEqual({
      line: '(root) CMD (run-parts)', ts: Date.UTC(2024, 5, 5, 10), host: 'myhost', app: 'CRON', level: 'info',
      meta: { syslog: { facility: 'daemon', severity: 6, procid: '1234' } },
    });
    expect(line('<13>Dec 31 23:59:59 h t: x').ts).toBe(Date.UTC(2023, 11, 31, 23, 59, 59));
    expect(parseSyslog('<13>Dec 31 23:59:59 h t: x', new Date('2025-01-01T00:00:05Z')).line.ts).toBe(Date.UTC(2024, 11, 31, 23, 59, 59));
  });

  it('keeps plain text and malformed frames as text, saying why', () => {
    expect(parsed('error: disk full')).toEqual({ line: { line: 'error: disk full' }, truncated: false });
    expect(parsed('<999>1 - - - - - - x')).toEqual({ line: { line: '<999>1 - - - - - - x' }, truncated: false, malformed: 'invalid PRI: <999>' });
  });

  it('truncates long messages and bounds what it keeps', () => {
    const p = parseSyslog(`<13>1 - ${'h'.repeat(1000)} - - - [x@1 ${Array.from({ length: 300 }, (_, i) => `p${i}="v"`).join(' ')}] ${'x'.repeat(LIMITS.maxLineBytes + 5)}`, NOW);
    expect(p.truncated).toBe(true);
    expect(Buffer.byteLength(p.line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
    expect(rawLineSchema.safeParse(p.line).success).toBe(true);
    expect(Object.keys((p.line.meta!.syslog as { sd: Record<string, object> }).sd['x@1']).length).toBeLessThan(300);
  });

  it('replaces invalid UTF-8', () => {
    expect(line(Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x78, 0xff]))).toMatchObject({ line: 'x\ufffd' });
  });
});

describe('the ingestion key', () => {
  it('is taken out of [millrace@53595 key=...], the other params kept', () => {
    const p = parsed('<14>1 2024-01-01T00:00:00Z host app 123 - [millrace@53595 key="mlr_ik_secret" env="prod"][meta@1 a="b"] hello');
    expect(p.key).toBe('mlr_ik_secret');
    expect(p.line.meta).toEqual({ syslog: { facility: 'user', severity: 6, procid: '123', sd: { 'millrace@53595': { env: 'prod' }, 'meta@1': { a: 'b' } } } });
    expect(JSON.stringify(p.line)).not.toContain('mlr_ik_secret');
  });

  it('is taken out of [key@41058 key=...], an element left empty removed', () => {
    const p = parsed('<14>1 - - - - - [key@41058 key="tok"] hi');
    expect(p.key).toBe('tok');
    expect(p.line).toEqual({ line: 'hi', level: 'info', meta: { syslog: { facility: 'user', severity: 6 } } });
  });

  it('is the first word of the message when it has the shape of a key (RFC 5424, RFC 3164, plain text)', () => {
    expect(parsed(`<14>1 - host app - - - ${KEY} the message`)).toEqual({ line: { line: 'the message', host: 'host', app: 'app', level: 'info', meta: { syslog: { facility: 'user', severity: 6 } } }, key: KEY, truncated: false });
    expect(parsed(`<13>Jun 15 10:00:00 host app[7]: ${KEY} rfc 3164`)).toMatchObject({ key: KEY, line: { line: 'rfc 3164', app: 'app', host: 'host' } });
    expect(parsed(`${KEY}`)).toEqual({ key: KEY, line: { line: '' }, truncated: false, malformed: 'empty message' });
    expect(parsed(`${KEY}\tplain`)).toMatchObject({ key: KEY, line: { line: 'plain' } });
  });

  it('may come before the whole frame (a template that writes the key first)', () => {
    expect(parsed(`${KEY} <14>1 - host app - - - msg`)).toMatchObject({ key: KEY, line: { line: 'msg', host: 'host', app: 'app' } });
    expect(parsed(`${KEY} <999>1 broken`)).toEqual({ key: KEY, line: { line: '<999>1 broken' }, truncated: false, malformed: 'invalid PRI: <999>' });
  });

  it('prefers structured data, and removes a key-shaped first word anyway', () => {
    const p = parsed(`<14>1 - h a - - [millrace@53595 key="${KEY.replace('A', 'B')}"] ${KEY} text`);
    expect(p.key).toBe(KEY.replace('A', 'B'));
    expect(p.line.line).toBe('text');
  });

  it('is only a word of exactly the shape of a key', () => {
    expect(leadingKeyEnd(KEY)).toBe(50);
    expect(leadingKeyEnd(`${KEY} x`)).toBe(50);
    expect(leadingKeyEnd(`mlr_sk_${'a'.repeat(43)} x`)).toBe(50);
    for (const text of [`${KEY}x`, `${KEY}:x`, KEY.slice(0, -1), ` ${KEY}`, `mlr_xk_${'a'.repeat(43)}`, `mlr_ik_${'a'.repeat(42)}.`, 'hello']) expect(leadingKeyEnd(text)).toBe(-1);
    expect(parsed(`<14>1 - h a - - - ${KEY}x text`)).not.toHaveProperty('key');
  });

  it('findKeyInStructuredData ignores other SD-IDs and cleans every accepted element', () => {
    const sd = parseStructuredData('[other@1 key="x"][millrace@53595 key="a" key="b"][key@41058 key="c"]', 0);
    if ('error' in sd) throw new Error(sd.error);
    expect(findKeyInStructuredData(sd.sd)).toBe('a');
    expect(sd.sd).toEqual({ 'other@1': { key: 'x' } });
    expect(findKeyInStructuredData(undefined)).toBeUndefined();
  });
});
