/** JSON, logfmt, key=value and Heroku router lines. Written for Millrace's tests. */
import type { CorpusCase } from './types';

export const STRUCTURED: CorpusCase[] = [
  {
    name: 'json: msg, level, ISO time, nested object',
    line: '{"time":"2024-03-10T11:58:01.250Z","level":"warn","msg":"cache miss ratio high","cache":{"name":"sessions","ratio":0.42},"node":"c-3"}',
    format: 'json',
    expect: {
      message: 'cache miss ratio high', level: 'warn', ts: '2024-03-10T11:58:01.250Z',
      fields: { cache: { name: 'sessions', ratio: 0.42 }, node: 'c-3' },
    },
  },
  {
    name: 'json: pino numeric level, epoch ms, hostname',
    line: '{"level":50,"time":1710071881250,"pid":4711,"hostname":"api-7f9c","reqId":"r-19","msg":"upstream timed out"}',
    format: 'json',
    expect: {
      message: 'upstream timed out', level: 'error', ts: '2024-03-10T11:58:01.250Z', host: 'api-7f9c',
      fields: { pid: 4711, reqId: 'r-19' },
    },
  },
  {
    name: 'json: bunyan-style with name and v',
    line: '{"name":"billing","hostname":"bill-1","pid":77,"level":30,"msg":"invoice sent","time":"2024-03-10T09:00:00.000Z","v":0,"invoice":"INV-2024-0042"}',
    format: 'json',
    expect: {
      message: 'invoice sent', level: 'info', ts: '2024-03-10T09:00:00.000Z', host: 'bill-1',
      fields: { name: 'billing', pid: 77, v: 0, invoice: 'INV-2024-0042' },
    },
  },
  {
    name: 'json: @timestamp + message + log.level style severity',
    line: '{"@timestamp":"2024-03-10T10:15:30+01:00","severity":"ERROR","message":"payment declined","order_id":99812,"amount":19.99}',
    format: 'json',
    expect: {
      message: 'payment declined', level: 'error', ts: '2024-03-10T09:15:30.000Z',
      fields: { order_id: 99812, amount: 19.99 },
    },
  },
  {
    name: 'json: docker json-file wrapper (log with trailing newline)',
    line: '{"log":"GET /healthz 200 1ms\\n","stream":"stdout","time":"2024-03-10T11:59:59.123456789Z"}',
    format: 'json',
    expect: {
      message: 'GET /healthz 200 1ms', level: null, ts: '2024-03-10T11:59:59.123Z',
      fields: { stream: 'stdout' },
    },
  },
  {
    name: 'docker json-file wrapping a JSON app line: the inner line wins, stream kept',
    line: '{"log":"{\\"level\\":\\"error\\",\\"msg\\":\\"db down\\",\\"retry\\":2}\\n","stream":"stderr","time":"2024-03-10T11:59:00.5Z"}',
    format: 'json',
    expect: { message: 'db down', level: 'error', ts: '2024-03-10T11:59:00.500Z', fields: { retry: 2, stream: 'stderr' } },
  },
  {
    name: 'CRI (containerd) line wrapping JSON: inner time wins',
    line: '2024-03-10T11:59:59.987654321Z stdout F {"ts":"2024-03-10T11:59:59.9Z","level":"info","msg":"request served","path":"/x"}',
    format: 'json',
    expect: { message: 'request served', level: 'info', ts: '2024-03-10T11:59:59.900Z', fields: { path: '/x', stream: 'stdout' } },
  },
  {
    name: 'CRI line wrapping plain text: the runtime time is used',
    line: '2024-03-10T11:59:59.987654321Z stderr F WARN: low memory',
    format: 'plain',
    expect: { message: 'WARN: low memory', level: 'warn', ts: '2024-03-10T11:59:59.987Z', fields: { stream: 'stderr' } },
  },
  {
    name: 'json: GELF short_message, epoch seconds, numeric syslog level',
    line: '{"version":"1.1","host":"gelf-src","short_message":"disk quota exceeded","timestamp":1710071000.5,"level":3,"_user":"u7"}',
    format: 'json',
    expect: {
      message: 'disk quota exceeded', level: 'error', ts: '2024-03-10T11:43:20.500Z', host: 'gelf-src',
      fields: { version: '1.1', user: 'u7' },
    },
  },
  {
    name: 'json: python json logger levelname + app',
    line: '{"asctime":"2024-03-10 11:00:00,123","levelname":"CRITICAL","name":"worker","message":"queue stalled","app":"jobs"}',
    format: 'json',
    expect: {
      message: 'queue stalled', level: 'fatal', app: 'jobs',
      fields: { asctime: '2024-03-10 11:00:00,123', name: 'worker' },
    },
  },
  {
    name: 'json: a leading byte-order mark is skipped',
    line: '\uFEFF{"msg":"exported from a Windows tool","rows":12}',
    format: 'json',
    expect: { message: 'exported from a Windows tool', level: null, fields: { rows: 12 } },
  },
  {
    name: 'json: no message key keeps the whole line as message',
    line: '{"event_type":"signup","user":{"plan":"pro","trial":true}}',
    format: 'json',
    expect: {
      message: '{"event_type":"signup","user":{"plan":"pro","trial":true}}', level: null,
      fields: { event_type: 'signup', user: { plan: 'pro', trial: true } },
    },
  },
  {
    name: 'json: dotted keys are paths, underscored keys sanitised, tags consumed',
    line: '{"msg":"login","user.id":"u-1","_internal":1,"@version":"1","tags":["auth","web"]}',
    format: 'json',
    expect: {
      message: 'login', level: null, tags: ['auth', 'web'],
      fields: { user: { id: 'u-1' }, internal: 1, version: '1' },
    },
  },
  {
    name: 'json: unusable time and level values stay fields',
    line: '{"msg":"x","time":"soon","level":{"code":3}}',
    format: 'json',
    expect: { message: 'x', level: null, fields: { time: 'soon', level: { code: 3 } } },
  },
  {
    name: 'json: the line metadata wins over content app/host/level/time',
    line: {
      line: '{"msg":"from content","level":"debug","host":"inner","ts":"2024-03-10T08:00:00Z"}',
      app: 'shipper-app', host: 'shipper-host', level: 'WARNING', ts: '2024-03-10T11:00:00Z', meta: { pod: 'p-1' },
    },
    format: 'json',
    expect: {
      message: 'from content', level: 'warn', ts: '2024-03-10T11:00:00.000Z', app: 'shipper-app', host: 'shipper-host',
      fields: { pod: 'p-1', level: 'debug', host: 'inner', ts: '2024-03-10T08:00:00Z' },
    },
  },
  {
    name: 'json: absurd content time -> arrival time + original_timestamp',
    line: '{"msg":"clock skew","ts":"1999-12-31T23:59:59Z"}',
    format: 'json',
    expect: { message: 'clock skew', level: null, fields: { original_timestamp: '1999-12-31T23:59:59Z' } },
  },
  {
    name: 'logfmt: the classic',
    line: 'ts=2024-03-10T11:30:00Z level=info msg="hello world" status=200 dur=1.5ms ok=true',
    format: 'logfmt',
    expect: {
      message: 'hello world', level: 'info', ts: '2024-03-10T11:30:00.000Z',
      fields: { status: 200, dur: '1.5ms', ok: true },
    },
  },
  {
    name: 'logfmt: logrus text format with quoted time',
    line: 'time="2024-03-10T11:30:00+02:00" level=warning msg="retrying connection" attempt=3 backoff=0.25 host=db-2',
    format: 'logfmt',
    expect: {
      message: 'retrying connection', level: 'warn', ts: '2024-03-10T09:30:00.000Z', host: 'db-2',
      fields: { attempt: 3, backoff: 0.25 },
    },
  },
  {
    name: 'logfmt: quoted numbers stay strings, leading zeros stay strings, escapes',
    line: 'level=error msg="bad \\"input\\"" code="404" zip=02134 big=12345678901234567890 neg=-7',
    format: 'logfmt',
    expect: {
      message: 'bad "input"', level: 'error',
      fields: { code: '404', zip: '02134', big: '12345678901234567890', neg: -7 },
    },
  },
  {
    name: 'logfmt: without msg the whole line is the message',
    line: 'component=scheduler phase=tick queued=12 running=3',
    format: 'logfmt',
    expect: {
      message: 'component=scheduler phase=tick queued=12 running=3', level: null,
      fields: { component: 'scheduler', phase: 'tick', queued: 12, running: 3 },
    },
  },
  {
    name: 'logfmt: unquoted multi-word msg keeps the bare words',
    line: 'level=debug msg=cache warmed in=3s',
    format: 'logfmt',
    expect: { message: 'cache warmed', level: 'debug', fields: { in: '3s' } },
  },
  {
    name: 'kv: pairs in a sentence are extracted, message kept whole',
    line: 'User login failed user=bob ip=10.1.2.3 reason="bad password"',
    format: 'kv',
    expect: {
      message: 'User login failed user=bob ip=10.1.2.3 reason="bad password"', level: null,
      fields: { user: 'bob', ip: '10.1.2.3', reason: 'bad password' },
    },
  },
  {
    name: 'plain: one = in an English sentence stays text',
    line: 'Set max_connections=200 before the migration runs tonight',
    format: 'plain',
    expect: { message: 'Set max_connections=200 before the migration runs tonight', level: null, fields: {} },
  },
  {
    name: 'heroku router: info',
    line: 'at=info method=GET path="/api/items?page=2" host=shop-demo.herokuapp.com request_id=8601b555-6a76-4c1c-9f00-2d8e2a9e1a1c fwd="203.0.113.9" dyno=web.1 connect=1ms service=23ms status=200 bytes=5123 protocol=https',
    format: 'heroku',
    expect: {
      message: 'at=info method=GET path="/api/items?page=2" host=shop-demo.herokuapp.com request_id=8601b555-6a76-4c1c-9f00-2d8e2a9e1a1c fwd="203.0.113.9" dyno=web.1 connect=1ms service=23ms status=200 bytes=5123 protocol=https',
      level: 'info',
      fields: {
        method: 'GET', path: '/api/items?page=2', http_host: 'shop-demo.herokuapp.com', request_id: '8601b555-6a76-4c1c-9f00-2d8e2a9e1a1c',
        fwd: '203.0.113.9', dyno: 'web.1', connect_ms: 1, service_ms: 23, status: 200, bytes: 5123, protocol: 'https',
      },
    },
  },
  {
    name: 'heroku router: H12 timeout is an error',
    line: 'at=error code=H12 desc="Request timeout" method=POST path="/checkout" host=shop-demo.herokuapp.com request_id=f00 fwd="198.51.100.4" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0 protocol=https',
    format: 'heroku',
    expect: {
      message: 'at=error code=H12 desc="Request timeout" method=POST path="/checkout" host=shop-demo.herokuapp.com request_id=f00 fwd="198.51.100.4" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0 protocol=https',
      level: 'error',
      fields: {
        code: 'H12', desc: 'Request timeout', method: 'POST', path: '/checkout', http_host: 'shop-demo.herokuapp.com', request_id: 'f00',
        fwd: '198.51.100.4', dyno: 'web.2', connect_ms: 0, service_ms: 30000, status: 503, bytes: 0, protocol: 'https',
      },
    },
  },
];
