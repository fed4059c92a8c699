import type { RawBatch, RawLine } from '@millrace/log-schema';
import { MAX_JOIN_BYTES, MAX_JOIN_LINES, parseBatch } from './index';

const BATCH = '01HRZ8X7Q6V3M2K1J0H9G8F7E6';
const NOW = Date.parse('2024-03-10T12:00:00Z');

function batch(lines: Array<string | RawLine>): RawBatch {
  return {
    v: 1, tenant: 'acme', batchId: BATCH, receivedAt: NOW, source: { protocol: 'http-text' },
    lines: lines.map((l) => (typeof l === 'string' ? { line: l } : l)),
  };
}

const messages = (lines: Array<string | RawLine>) => parseBatch(batch(lines)).events.map((e) => e.message);

describe('multi-line joining', () => {
  it('joins a Java trace printed after a log4j record, Caused by and "... n more" included', () => {
    const lines = [
      '2024-03-10 11:04:05,678 ERROR [main] com.acme.Orders - Failed to process order',
      'java.lang.IllegalStateException: inventory unavailable',
      '\tat com.acme.Orders.reserve(Orders.java:88)',
      '\tat com.acme.Orders.process(Orders.java:42)',
      'Caused by: java.sql.SQLTransientConnectionException: pool exhausted',
      '\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)',
      '\t... 2 more',
      '2024-03-10 11:04:06,000 INFO [main] com.acme.Orders - next order',
    ];
    const { events, stats } = parseBatch(batch(lines));
    expect(events).toHaveLength(2);
    expect(events[0].message).toBe(['Failed to process order', ...lines.slice(1, 7)].join('\n'));
    expect(events[0].level).toBe('error');
    expect(events[0].fields).toEqual({ thread: 'main', logger: 'com.acme.Orders' });
    expect(events[0].id).toBe(`${BATCH}-0000`);
    expect(events[1].id).toBe(`${BATCH}-0007`);
    expect(stats.multilineJoins).toBe(6);
  });

  it('joins a stand-alone Java trace starting with "Exception in thread"', () => {
    const lines = [
      'Exception in thread "main" java.lang.NullPointerException: name',
      '\tat Main.greet(Main.java:5)',
      '\tat Main.main(Main.java:2)',
    ];
    const { events } = parseBatch(batch(lines));
    expect(events).toHaveLength(1);
    expect(events[0].message).toBe(lines.join('\n'));
    expect(events[0].level).toBe('error'); // a trace without a level word
  });

  it('joins a Python traceback including chained exceptions and blank lines', () => {
    const lines = [
      'Traceback (most recent call last):',
      '  File "/app/jobs.py", line 14, in run',
      '    total = compute(items)',
      '  File "/app/jobs.py", line 9, in compute',
      '    return sum(i.price for i in items) / len(items)',
      'ZeroDivisionError: division by zero',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/app/jobs.py", line 16, in run',
      '    raise JobFailed("compute")',
      'jobs.JobFailed: compute',
      'worker idle',
    ];
    const { events } = parseBatch(batch(lines));
    expect(events.map((e) => e.message)).toEqual([lines.slice(0, 13).join('\n'), 'worker idle']);
    expect(events[0].level).toBe('error');
    expect(events[1].id).toBe(`${BATCH}-0013`);
  });

  it('joins a Traceback printed after a Python logging ERROR record', () => {
    const lines = [
      '2024-03-10 11:04:05,678 - app.jobs - ERROR - job 42 failed',
      'Traceback (most recent call last):',
      '  File "/app/jobs.py", line 14, in run',
      'KeyError: \'sku\'',
    ];
    expect(messages(lines)).toEqual([['job 42 failed', ...lines.slice(1)].join('\n')]);
  });

  it('does not glue a Traceback to an INFO record', () => {
    const lines = ['2024-03-10 11:04:05,678 - app - INFO - all good', 'Traceback (most recent call last):', '  File "x.py", line 1, in <module>', 'ValueError: x'];
    expect(messages(lines)).toEqual(['all good', lines.slice(1).join('\n')]);
  });

  it('joins a Node.js error with its frames', () => {
    const lines = [
      'TypeError: Cannot read properties of undefined (reading \'id\')',
      '    at handler (/srv/app/routes/user.js:17:25)',
      '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ];
    const [e] = parseBatch(batch(lines)).events;
    expect(e.message).toBe(lines.join('\n'));
    expect(e.level).toBe('error');
  });

  it('joins a Go panic with goroutine dumps and blank lines', () => {
    const lines = [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x47b0e2]',
      '',
      'goroutine 1 [running]:',
      'main.(*Server).handle(0x0, {0x5a1f20, 0xc0000a2000})',
      '\t/src/server.go:41 +0x22',
      'main.main()',
      '\t/src/main.go:12 +0x8b',
      '',
      'goroutine 7 [chan receive]:',
      'created by main.startWorkers in goroutine 1',
      '\t/src/workers.go:20 +0x3c',
      '2024/03/10 11:05:00 restarting',
    ];
    const { events } = parseBatch(batch(lines));
    expect(events.map((e) => e.message)).toEqual([lines.slice(0, 12).join('\n'), 'restarting']);
    expect(events[0].level).toBe('fatal');
  });

  it('joins Ruby "from" lines', () => {
    const lines = [
      "/app/models/user.rb:12:in `save!': Validation failed: Email has already been taken (ActiveRecord::RecordInvalid)",
      "\tfrom /app/controllers/users_controller.rb:8:in `create'",
      "\tfrom bin/rails:4:in `<main>'",
    ];
    const [e] = parseBatch(batch(lines)).events;
    expect(e.message).toBe(lines.join('\n'));
    expect(e.level).toBe('error');
  });

  it('joins per source: interleaved hosts keep their own traces', () => {
    const lines: RawLine[] = [
      { line: 'java.lang.RuntimeException: a', host: 'h1' },
      { line: 'java.lang.RuntimeException: b', host: 'h2' },
      { line: '\tat A.a(A.java:1)', host: 'h1' },
      { line: '\tat B.b(B.java:1)', host: 'h2' },
      { line: '\tat A.c(A.java:2)', host: 'h1' },
    ];
    const { events } = parseBatch(batch(lines));
    expect(events.map((e) => [e.host, e.message, e.id])).toEqual([
      ['h1', 'java.lang.RuntimeException: a\n\tat A.a(A.java:1)\n\tat A.c(A.java:2)', `${BATCH}-0000`],
      ['h2', 'java.lang.RuntimeException: b\n\tat B.b(B.java:1)', `${BATCH}-0001`],
    ]);
  });

  it('joins frames wrapped in JSON (Docker json-file) by their message', () => {
    const lines = [
      '{"log":"Error: boom\\n","stream":"stderr","time":"2024-03-10T11:00:00Z"}',
      '{"log":"    at main (/app/index.js:3:9)\\n","stream":"stderr","time":"2024-03-10T11:00:00Z"}',
    ];
    const [e, ...rest] = parseBatch(batch(lines)).events;
    expect(rest).toHaveLength(0);
    expect(e.message).toBe('Error: boom\n    at main (/app/index.js:3:9)');
    expect(e.fields).toEqual({ stream: 'stderr' });
  });

  it('leaves indented lines alone after an ordinary message', () => {
    expect(messages(['Config loaded:', '  port: 8080', '  workers: 4'])).toEqual(['Config loaded:', '  port: 8080', '  workers: 4']);
  });

  it('starts an event with a frame that has nothing before it in the batch (no joining across batches)', () => {
    const { events } = parseBatch(batch(['\tat com.acme.X.y(X.java:1)', '\tat com.acme.X.z(X.java:2)']));
    expect(events).toHaveLength(1); // the second line joins the first, which stands alone
    expect(events[0].id).toBe(`${BATCH}-0000`);
  });

  it('gives a redelivered batch the same ids', () => {
    const lines = ['Error: a', '    at x (y.js:1:1)', 'next', 'Error: b', '    at z (y.js:2:2)'];
    const first = parseBatch(batch(lines)).events.map((e) => e.id);
    const second = parseBatch(batch(lines)).events.map((e) => e.id);
    expect(first).toEqual([`${BATCH}-0000`, `${BATCH}-0002`, `${BATCH}-0003`]);
    expect(second).toEqual(first);
  });

  it(`caps a joined event at ${MAX_JOIN_LINES} lines and starts a new one`, () => {
    const lines = ['java.lang.StackOverflowError', ...Array.from({ length: 700 }, (_, i) => `\tat Rec.f(Rec.java:${i})`)];
    const { events, stats } = parseBatch(batch(lines));
    expect(events).toHaveLength(2);
    expect(events[0].message.split('\n')).toHaveLength(MAX_JOIN_LINES);
    expect(events[1].message.split('\n')).toHaveLength(701 - MAX_JOIN_LINES);
    expect(events[1].id).toBe(`${BATCH}-0${MAX_JOIN_LINES}`);
    expect(stats.multilineCapped).toBe(1);
  });

  it(`caps a joined event at ${MAX_JOIN_BYTES} bytes`, () => {
    const frame = `\tat ${'x'.repeat(2000)}(A.java:1)`;
    const lines = ['java.lang.RuntimeException: big', ...Array.from({ length: 60 }, () => frame)];
    const { events } = parseBatch(batch(lines));
    expect(events.length).toBeGreaterThan(1);
    for (const e of events) expect(Buffer.byteLength(e.message)).toBeLessThanOrEqual(MAX_JOIN_BYTES);
    expect(events.reduce((n, e) => n + e.message.split('\n').length, 0)).toBe(61);
  });
});
