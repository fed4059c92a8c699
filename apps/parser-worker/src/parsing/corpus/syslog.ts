/** Syslog lines embedded in other transports. Written for Millrace's tests. */
import type { CorpusCase } from './types';

export const SYSLOG: CorpusCase[] = [
  {
    name: 'rfc5424 with structured data',
    line: '<165>1 2024-03-10T11:14:15.003Z gw-01.example.net billing 8812 ID47 [meta@32473 region="eu-west" shard="3"][origin ip="10.0.0.8"] invoice batch closed',
    format: 'syslog5424',
    expect: {
      message: 'invoice batch closed', level: 'info', ts: '2024-03-10T11:14:15.003Z', app: 'billing', host: 'gw-01.example.net',
      fields: {
        syslog: {
          facility: 'local4', severity: 5, procid: '8812', msgid: 'ID47',
          sd: { meta_32473: { region: 'eu-west', shard: '3' }, origin: { ip: '10.0.0.8' } },
        },
      },
    },
  },
  {
    name: 'rfc5424 with nil values and an escaped ] in structured data',
    line: '<11>1 2024-03-10T11:20:00+01:00 - - - - [x@1 note="a \\] b"] disk failure on sdb',
    format: 'syslog5424',
    expect: {
      message: 'disk failure on sdb', level: 'error', ts: '2024-03-10T10:20:00.000Z',
      fields: { syslog: { facility: 'user', severity: 3, sd: { x_1: { note: 'a ] b' } } } },
    },
  },
  {
    name: 'rfc5424 with a JSON body: body level wins over severity',
    line: '<14>1 2024-03-10T11:00:00Z web-3 api - - - {"level":"warn","msg":"slow query","ms":812}',
    format: 'syslog5424',
    expect: {
      message: 'slow query', level: 'warn', ts: '2024-03-10T11:00:00.000Z', app: 'api', host: 'web-3',
      fields: { syslog: { facility: 'user', severity: 6 }, ms: 812 },
    },
  },
  {
    name: 'rfc3164 with pid (year taken from arrival)',
    line: '<34>Mar  9 22:14:15 mymachine su[2231]: \'su root\' failed for lonvick on /dev/pts/8',
    format: 'syslog3164',
    expect: {
      message: '\'su root\' failed for lonvick on /dev/pts/8', level: 'fatal', ts: '2024-03-09T22:14:15.000Z', app: 'su', host: 'mymachine',
      fields: { syslog: { facility: 'auth', severity: 2, procid: '2231' } },
    },
  },
  {
    name: 'rfc3164 in December read in March: previous year',
    line: '<30>Dec 31 23:59:58 edge-2 systemd[1]: Started Daily apt upgrade.',
    format: 'syslog3164',
    expect: {
      message: 'Started Daily apt upgrade.', level: 'info', ts: '2023-12-31T23:59:58.000Z', app: 'systemd', host: 'edge-2',
      fields: { syslog: { facility: 'daemon', severity: 6, procid: '1' } },
    },
  },
  {
    name: 'rfc3164 without PRI (a file tailed from /var/log)',
    line: 'Mar 10 06:25:01 cron-host CRON[5512]: (root) CMD (run-parts /etc/cron.daily)',
    format: 'syslog3164',
    expect: {
      message: '(root) CMD (run-parts /etc/cron.daily)', level: null, ts: '2024-03-10T06:25:01.000Z', app: 'CRON', host: 'cron-host',
      fields: { syslog: { procid: '5512' } },
    },
  },
  {
    name: 'rfc3164 without hostname',
    line: '<13>Mar 10 08:00:00 sshd: Accepted publickey for deploy',
    format: 'syslog3164',
    expect: {
      message: 'Accepted publickey for deploy', level: 'info', ts: '2024-03-10T08:00:00.000Z', app: 'sshd',
      fields: { syslog: { facility: 'user', severity: 5 } },
    },
  },
  {
    name: 'rsyslog high-precision 3164 with a logfmt body',
    line: '<190>2024-03-10T11:11:11.111111+00:00 lb-1 haproxy[99]: level=error msg="backend down" backend=pool-b',
    format: 'syslog3164',
    expect: {
      message: 'backend down', level: 'error', ts: '2024-03-10T11:11:11.111Z', app: 'haproxy', host: 'lb-1',
      fields: { syslog: { facility: 'local7', severity: 6, procid: '99' }, backend: 'pool-b' },
    },
  },
];
