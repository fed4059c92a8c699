import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HttpStub, json, setup, URLS } from '../../testing/harness';
import { checkpointPath } from './checkpoint';
import { RecordSplitter } from './records';

const env = { ...URLS, MILLRACE_KEY: 'mlr_sk_test' };
const BASE = Date.UTC(2025, 0, 5);
// Three events share each millisecond, so a resume point falls inside a run of equal timestamps.
const EVENTS = Array.from({ length: 300 }, (_, i) => ({
  id: `01JBATCH-${String(i).padStart(4, '0')}`, ts: BASE + Math.floor(i / 3), app: 'api', host: 'h', level: 'info',
  message: i % 50 === 7 ? `a "quoted", comma\nand a second line ${i}` : `line ${i}`, tags: [], fields: { n: i },
}));
const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvRow = (e: (typeof EVENTS)[number]) => [new Date(e.ts).toISOString(), e.app, e.host, e.level, e.message, '', JSON.stringify(e.fields), e.id].map(field).join(',') + '\r\n';
const HEADER = 'timestamp,app,host,level,message,tags,fields,id\r\n';
const full = (format: string) => (format === 'csv' ? HEADER + EVENTS.map(csvRow).join('') : EVENTS.map((e) => `${JSON.stringify(e)}\n`).join(''));

/** The export endpoint over EVENTS: `from` inclusive, oldest first; optionally cut after some bytes. */
function exportServer(cutAfter: number[] = []) {
  return new HttpStub()
    .on('GET', '/v1/graphs/histogram', json({ interval: '1m', buckets: [BASE], total: [EVENTS.length] }))
    .on('GET', '/v1/export', (r) => {
      const from = Number(r.url.searchParams.get('from'));
      const format = r.url.searchParams.get('format')!;
      const rows = EVENTS.filter((e) => e.ts >= from);
      const text = format === 'csv' ? HEADER + rows.map(csvRow).join('') : rows.map((e) => `${JSON.stringify(e)}\n`).join('');
      const cut = cutAfter.shift();
      const bytes = new TextEncoder().encode(text);
      const end = cut ?? bytes.length;
      let at = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at < end) {
            controller.enqueue(bytes.slice(at, Math.min(end, at + 1000)));
            at += 1000;
          } else if (cut === undefined) controller.close();
          else controller.error(new Error('socket hang up'));
        },
      });
      return new Response(body, { status: 200 });
    });
}

describe('millrace export', () => {
  for (const format of ['ndjson', 'csv']) {
    it(`${format}: resumes after each break with every line exactly once`, async () => {
      const http = exportServer([3001, 11_017, 20_000]);
      const t = setup({ http, env, now: () => BASE + 3_600_000 });
      const file = path.join(t.configDir, `out.${format}`);
      const args = ['export', '-a', 'api', '--from', '-2h', '-o', file];
      expect(await t.run(...args)).toBe(1);
      expect(t.stderr.text).toContain('run the same command again to resume');
      expect(existsSync(checkpointPath(file))).toBe(true);
      expect(await t.run(...args)).toBe(1);
      expect(await t.run(...args)).toBe(1);
      expect(await t.run(...args)).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(full(format));
      expect(existsSync(checkpointPath(file))).toBe(false);
      const exports = http.find('GET', '/v1/export');
      // The range is fixed at the first run: later runs continue from the last written event's time.
      expect(exports[0].url.searchParams.get('from')).toBe(String(BASE + 3_600_000 - 7_200_000));
      expect(new Set(exports.map((r) => r.url.searchParams.get('to')))).toEqual(new Set([String(BASE + 3_600_000)]));
      expect(exports.slice(1).every((r) => Number(r.url.searchParams.get('from')) > BASE)).toBe(true);
      expect(exports[0].url.searchParams.get('q')).toBe('app:api');
      expect(t.stderr.text).toMatch(/exported 300 lines/);
    });
  }

  it('a half-written record left by a killed run is cut off before resuming', async () => {
    const http = exportServer([5000]);
    const t = setup({ http, env, now: () => BASE + 1000 });
    const file = path.join(t.configDir, 'out.ndjson');
    expect(await t.run('export', '--from', '-1h', '-o', file)).toBe(1);
    writeFileSync(file, readFileSync(file, 'utf8') + '{"id":"01JBATCH-99', { flag: 'w' }); // as if killed mid-write
    expect(await t.run('export', '--from', '-1h', '-o', file)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(full('ndjson'));
  });

  it('refuses to overwrite a file, or to resume with other arguments', async () => {
    const t = setup({ http: exportServer([4000]), env });
    const file = path.join(t.configDir, 'x.ndjson');
    writeFileSync(file, 'old');
    expect(await t.run('export', '-o', file)).toBe(2);
    expect(t.stderr.text).toContain('add --force');
    expect(await t.run('export', '-o', file, '--force')).toBe(1);
    expect(await t.run('export', 'level:error', '-o', file)).toBe(2);
    expect(t.stderr.text).toContain('unfinished export of other arguments');
    expect(await t.run('export', 'level:error', '-o', file, '--restart')).toBe(0);
  });

  it('shows a progress bar with lines, bytes, rate and ETA on a terminal, and none into a pipe', async () => {
    const tty = setup({ http: exportServer(), env, now: () => BASE + 1000, tty: true });
    const file = path.join(tty.configDir, 'p.ndjson');
    expect(await tty.run('export', '-o', file)).toBe(0);
    expect(tty.stderr.text).toMatch(/100% \| 300\/300 lines \| [\d.]+ KiB \| \d+ lines\/s \| ETA /);
    const pipe = setup({ http: exportServer(), env, now: () => BASE + 1000 });
    expect(await pipe.run('export', '-o', path.join(pipe.configDir, 'p.ndjson'))).toBe(0);
    expect(pipe.stderr.text).not.toContain('%');
    expect(pipe.stderr.text).toMatch(/^exported 300 lines \([\d.]+ KiB\) to .* in [\d.]+ s, \d+ lines\/s\n$/);
  });

  it('writes to standard output without -o', async () => {
    const t = setup({ http: exportServer(), env, now: () => BASE + 1000 });
    expect(await t.run('export', '--format', 'ndjson')).toBe(0);
    expect(t.stdout.text).toBe(full('ndjson'));
  });
});

describe('RecordSplitter', () => {
  it('keeps CSV records whole across chunks, with line breaks inside quotes', () => {
    const text = full('csv');
    for (const size of [1, 5, 64, 1000]) {
      const splitter = new RecordSplitter('csv');
      const records: string[] = [];
      for (let i = 0; i < text.length; i += size) records.push(...splitter.push(text.slice(i, i + size)));
      expect(records).toHaveLength(EVENTS.length + 1);
      expect(records.join('')).toBe(text);
      expect(splitter.rest).toBe('');
    }
  });
});
