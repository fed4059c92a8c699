/** Application log formats (JVM, Python, Ruby, Go, PHP, plain). Written for Millrace's tests. */
import type { CorpusCase } from './types';

export const APP_LOGS: CorpusCase[] = [
  {
    name: 'log4j: level [thread] logger - message, with key=value pairs',
    line: '2024-03-10 11:04:05,678 ERROR [pool-3-thread-7] com.acme.orders.OrderService - charge failed order=A-1009 retry=true',
    format: 'log4j',
    expect: {
      message: 'charge failed order=A-1009 retry=true', level: 'error', ts: '2024-03-10T11:04:05.678Z',
      fields: { thread: 'pool-3-thread-7', logger: 'com.acme.orders.OrderService', order: 'A-1009', retry: true },
    },
  },
  {
    name: 'log4j without thread',
    line: '2024-03-10 11:04:06,001 INFO  com.acme.Boot - context refreshed in 812 ms',
    format: 'log4j',
    expect: {
      message: 'context refreshed in 812 ms', level: 'info', ts: '2024-03-10T11:04:06.001Z',
      fields: { logger: 'com.acme.Boot' },
    },
  },
  {
    name: 'logback: [thread] LEVEL logger - message',
    line: '2024-03-10 11:04:05.678 [http-nio-8080-exec-4] WARN  c.a.web.RateLimiter - client over quota',
    format: 'logback',
    expect: {
      message: 'client over quota', level: 'warn', ts: '2024-03-10T11:04:05.678Z',
      fields: { thread: 'http-nio-8080-exec-4', logger: 'c.a.web.RateLimiter' },
    },
  },
  {
    name: 'spring boot 3 with application name',
    line: '2024-03-10T11:04:05.678+01:00  INFO 4242 --- [inventory] [           main] c.a.i.InventoryApplication               : Started InventoryApplication in 3.2 seconds',
    format: 'spring',
    expect: {
      message: 'Started InventoryApplication in 3.2 seconds', level: 'info', ts: '2024-03-10T10:04:05.678Z', app: 'inventory',
      fields: { pid: 4242, thread: 'main', logger: 'c.a.i.InventoryApplication' },
    },
  },
  {
    name: 'spring boot 2',
    line: '2024-03-10 11:04:05.678 DEBUG 4242 --- [  restartedMain] o.s.b.w.e.tomcat.TomcatWebServer         : Tomcat initialized with port(s): 8080 (http)',
    format: 'spring',
    expect: {
      message: 'Tomcat initialized with port(s): 8080 (http)', level: 'debug', ts: '2024-03-10T11:04:05.678Z',
      fields: { pid: 4242, thread: 'restartedMain', logger: 'o.s.b.w.e.tomcat.TomcatWebServer' },
    },
  },
  {
    name: 'python logging: asctime - name - level - message',
    line: '2024-03-10 11:04:05,678 - celery.worker - WARNING - task retry scheduled in 30s',
    format: 'python',
    expect: {
      message: 'task retry scheduled in 30s', level: 'warn', ts: '2024-03-10T11:04:05.678Z',
      fields: { logger: 'celery.worker' },
    },
  },
  {
    name: 'python logging basicConfig default',
    line: 'ERROR:django.request:Internal Server Error: /admin/',
    format: 'python',
    expect: { message: 'Internal Server Error: /admin/', level: 'error', fields: { logger: 'django.request' } },
  },
  {
    name: 'bracketed ISO time then LEVEL:',
    line: '[2024-03-10T11:04:05Z] INFO: listening on 0.0.0.0:3000',
    format: 'bracket',
    expect: { message: 'listening on 0.0.0.0:3000', level: 'info', ts: '2024-03-10T11:04:05.000Z', fields: {} },
  },
  {
    name: 'bracketed time without a level word',
    line: '[2024-03-10 11:04:05.250] worker 3 picked job 881',
    format: 'bracket',
    expect: { message: 'worker 3 picked job 881', level: null, ts: '2024-03-10T11:04:05.250Z', fields: {} },
  },
  {
    name: 'monolog (Laravel)',
    line: '[2024-03-10 11:04:05] production.ERROR: SQLSTATE[HY000] [2002] Connection refused {"exception":"[object] (PDOException(code: 2002))"} []',
    format: 'monolog',
    expect: {
      message: 'SQLSTATE[HY000] [2002] Connection refused {"exception":"[object] (PDOException(code: 2002))"} []',
      level: 'error', ts: '2024-03-10T11:04:05.000Z', fields: { channel: 'production' },
    },
  },
  {
    name: 'ruby Logger (Rails)',
    line: 'I, [2024-03-10T11:04:05.123456 #1234]  INFO -- : Completed 200 OK in 12ms (Views: 4.1ms | ActiveRecord: 2.3ms)',
    format: 'rails',
    expect: {
      message: 'Completed 200 OK in 12ms (Views: 4.1ms | ActiveRecord: 2.3ms)', level: 'info', ts: '2024-03-10T11:04:05.123Z',
      fields: { pid: 1234 },
    },
  },
  {
    name: 'ruby Logger with progname',
    line: 'E, [2024-03-10T11:04:05.000001 #88] ERROR -- sidekiq: job failed: Net::ReadTimeout',
    format: 'rails',
    expect: {
      message: 'job failed: Net::ReadTimeout', level: 'error', ts: '2024-03-10T11:04:05.000Z',
      fields: { pid: 88, progname: 'sidekiq' },
    },
  },
  {
    name: 'go log package',
    line: '2024/03/10 11:04:05 listening on :8080',
    format: 'go',
    expect: { message: 'listening on :8080', level: null, ts: '2024-03-10T11:04:05.000Z', fields: {} },
  },
  {
    name: 'go log with microseconds and short file',
    line: '2024/03/10 11:04:05.123456 server.go:88: ERROR accept failed: too many open files',
    format: 'go',
    expect: {
      message: 'ERROR accept failed: too many open files', level: 'error', ts: '2024-03-10T11:04:05.123Z',
      fields: { caller: 'server.go:88' },
    },
  },
  {
    name: 'glog / klog',
    line: 'W0310 11:04:05.678901    4321 reflector.go:533] watch of *v1.Pod ended with: too old resource version',
    format: 'glog',
    expect: {
      message: 'watch of *v1.Pod ended with: too old resource version', level: 'warn', ts: '2024-03-10T11:04:05.678Z',
      fields: { thread_id: 4321, caller: 'reflector.go:533' },
    },
  },
  {
    name: 'timestamp + level word',
    line: '2024-03-10T11:04:05.5Z WARN disk /data at 91%',
    format: 'timestamped',
    expect: { message: 'disk /data at 91%', level: 'warn', ts: '2024-03-10T11:04:05.500Z', fields: {} },
  },
  {
    name: 'timestamp with zone offset and no level',
    line: '2024-03-10 12:04:05 +0100 backup finished (12 GB)',
    format: 'timestamped',
    expect: { message: 'backup finished (12 GB)', level: null, ts: '2024-03-10T11:04:05.000Z', fields: {} },
  },
  {
    name: 'plain: bracketed level word',
    line: '[warn] config file /etc/app.yml not found, using defaults',
    format: 'plain',
    expect: { message: '[warn] config file /etc/app.yml not found, using defaults', level: 'warn', fields: {} },
  },
  {
    name: 'plain: Serilog-style short level',
    line: 'ERR connection reset by peer',
    format: 'plain',
    expect: { message: 'ERR connection reset by peer', level: 'error', fields: {} },
  },
  {
    name: 'plain: lower-case level words inside a sentence do not count',
    line: 'retrying after an error in the info service',
    format: 'plain',
    expect: { message: 'retrying after an error in the info service', level: null, fields: {} },
  },
  {
    name: 'plain: a brace that is not JSON',
    line: '{not json} but braces',
    format: 'plain',
    expect: { message: '{not json} but braces', level: null, fields: {} },
  },
  {
    name: 'plain: line with app/host/tags/meta from the shipper',
    line: { line: 'cache flushed', app: 'edge', host: 'edge-9', tags: ['prod'], meta: { 'k8s.pod': 'edge-9-abc', _ver: 2 } },
    format: 'plain',
    expect: { message: 'cache flushed', level: null, app: 'edge', host: 'edge-9', tags: ['prod'], fields: { k8s: { pod: 'edge-9-abc' }, ver: 2 } },
  },
];
