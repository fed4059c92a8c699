// Syslog (TCP, TLS, UDP) and GELF UDP into the gateway from real senders — util-linux logger,
// rsyslog and syslog-ng — then found by search with their app, host, level and time.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { hostname } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { LogEvent } from '@millrace/log-schema';
import { ensureLogger, ensureRsyslog, ensureSyslogNg, freePort, logger, runRsyslog, runSyslogNg, selfSignedCert, type Daemon } from './support/clients';
import { eventually, request } from './support/http';
import { gatewayPorts } from './support/gateway';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';
import { gatewayMetric } from './support/org-admin';
import { stackServer } from './support/stack';

const PORTS = gatewayPorts();

let platform: Platform;
let org: { org: string; ingestKey: string; readKey: string };
let tlsFiles: ReturnType<typeof selfSignedCert>;
const daemons: Daemon[] = [];

async function search(q: string): Promise<LogEvent[]> {
  const reply = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=10000&from=-3h`, { key: org.readKey });
  if (reply.status !== 200) throw new Error(`search answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.events;
}

async function found(q: string, count: number, daemon?: Daemon, timeoutMs = 30000): Promise<LogEvent[]> {
  try {
    return await eventually(async () => {
      const events = await search(q);
      return events.length >= count ? events : undefined;
    }, timeoutMs, 300);
  } catch (error) {
    throw new Error(`${(error as Error).message}${daemon ? `\nsender output:\n${daemon.log()}` : ''}`);
  }
}

async function restartGateway(extra: Record<string, string>): Promise<void> {
  await platform.stop('ingest-gateway');
  await platform.start('ingest-gateway', { SYSLOG_TLS_CERT_FILE: tlsFiles.cert, SYSLOG_TLS_KEY_FILE: tlsFiles.key, ...extra });
}

function sendUdp(port: number, datagrams: Buffer[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    let left = datagrams.length;
    for (const d of datagrams) {
      socket.send(d, port, '127.0.0.1', (error) => {
        if (error) reject(error);
        if (--left === 0) {
          socket.close();
          resolve();
        }
      });
    }
  });
}

beforeAll(async () => {
  ensureLogger();
  ensureRsyslog();
  ensureSyslogNg();
  tlsFiles = selfSignedCert();
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('syslog'));
  // TCP and TLS take the key from structured data; UDP syslog and GELF are bound to the organisation.
  await restartGateway({ SYSLOG_UDP_KEY: org.ingestKey, GELF_UDP_KEY: org.ingestKey });
}, 600_000);

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  await platform?.shutdown();
});

const sdKey = () => `key="${org.ingestKey}"`;

describe('syslog from logger (util-linux)', () => {
  it('RFC 5424 over TCP, octet-counted and newline-framed, the key in structured data', async () => {
    const marker = `lgtcp${Date.now()}`;
    const before = Date.now();
    logger(['--tcp', '--server', '127.0.0.1', '--port', String(PORTS.syslogTcp), '--octet-count', '--rfc5424', '--sd-id', 'millrace@53595', '--sd-param', sdKey(),
      '-t', 'billing', '-p', 'local0.warning', `${marker} octet counted`]);
    logger(['--tcp', '--server', '127.0.0.1', '--port', String(PORTS.syslogTcp), '--rfc5424', '--sd-id', 'millrace@53595', '--sd-param', sdKey(),
      '-t', 'billing', '-p', 'local0.err', `${marker} newline framed`]);
    const events = await found(marker, 2);
    const byText = Object.fromEntries(events.map((e) => [e.message, e]));
    expect(Object.keys(byText).sort()).toEqual([`${marker} newline framed`, `${marker} octet counted`]);
    const octet = byText[`${marker} octet counted`];
    expect(octet).toMatchObject({ app: 'billing', host: hostname(), level: 'warn', source: 'syslog', tenant: org.org });
    expect(byText[`${marker} newline framed`].level).toBe('error');
    expect(octet.ts).toBeGreaterThanOrEqual(before - 2000);
    expect(octet.ts).toBeLessThanOrEqual(Date.now() + 2000);
    expect(octet.fields).toMatchObject({ syslog: { facility: 'local0', severity: 4 } });
    // The key is removed before anything is stored.
    expect(JSON.stringify(events)).not.toContain(org.ingestKey);
  });

  it('RFC 3164 over UDP on a port bound to the organisation', async () => {
    const marker = `lgudp${Date.now()}`;
    logger(['--udp', '--server', '127.0.0.1', '--port', String(PORTS.syslogUdp), '--rfc3164', '-t', 'cron', '-p', 'daemon.info', `${marker} over udp`]);
    const [event] = await found(marker, 1);
    expect(event).toMatchObject({ message: `${marker} over udp`, app: 'cron', level: 'info', source: 'syslog' });
  });
});

describe('syslog from rsyslog', () => {
  it('relays RFC 5424 with the key in structured data over TCP (octet counting) and TLS', async () => {
    const inPort = await freePort();
    const marker = `rsys${Date.now()}`;
    const template = `template(name="millrace" type="string" string="<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% [millrace@53595 key=\\"${org.ingestKey}\\"]%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%")`;
    const rsyslog = runRsyslog(`
global(DefaultNetstreamDriverCAFile="${tlsFiles.cert}")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${inPort}")
${template}
action(type="omfwd" target="127.0.0.1" port="${PORTS.syslogTcp}" protocol="tcp" TCP_Framing="octet-counted" template="millrace")
action(type="omfwd" target="127.0.0.1" port="${PORTS.syslogTls}" protocol="tcp" template="millrace"
       StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="127.0.0.1")
`);
    daemons.push(rsyslog);
    await eventually(async () => {
      try {
        logger(['--tcp', '--server', '127.0.0.1', '--port', String(inPort), '--rfc5424', '-t', 'checkout', '-p', 'user.notice', `${marker} relayed by rsyslog`]);
        return true;
      } catch {
        return undefined;
      }
    }, 10000);
    // Once over TCP and once over TLS: two events with the same text.
    const events = await found(marker, 2, rsyslog);
    expect(events).toHaveLength(2);
    for (const e of events) expect(e).toMatchObject({ message: `${marker} relayed by rsyslog`, app: 'checkout', level: 'info', source: 'syslog' });
  });
});

describe('syslog-ng', () => {
  it('sends RFC 5424 over TCP and TLS with the key set in structured data, and _bulk with its elasticsearch-http destination', async () => {
    const inPort = await freePort();
    const marker = `sng${Date.now()}`;
    const sng = runSyslogNg(`
options { keep-hostname(yes); };
source s_in { syslog(transport(tcp) ip(127.0.0.1) port(${inPort})); };
rewrite r_key { set("${org.ingestKey}" value(".SDATA.millrace@53595.key")); };
destination d_tcp { syslog("127.0.0.1" transport(tcp) port(${PORTS.syslogTcp})); };
destination d_tls { syslog("127.0.0.1" transport(tls) port(${PORTS.syslogTls}) tls(ca-file("${tlsFiles.cert}") peer-verify(required-trusted))); };
destination d_es {
  elasticsearch-http(
    url("${platform.urls.ingest}/_bulk")
    index("syslog-ng-2024.05.01")
    type("")
    user("${org.ingestKey}")
    password("x")
    batch-lines(10)
    timeout(5)
    template("$(format-json message=\${MESSAGE} host=\${HOST} app=\${PROGRAM} level=\${LEVEL} @timestamp=\${ISODATE} pid=\${PID})")
  );
};
log { source(s_in); destination(d_es); };
log { source(s_in); rewrite(r_key); destination(d_tcp); destination(d_tls); };
`);
    daemons.push(sng);
    await eventually(async () => {
      try {
        logger(['--tcp', '--server', '127.0.0.1', '--port', String(inPort), '--octet-count', '--rfc5424', '-t', 'inventory', '-p', 'local3.err', `${marker} via syslog-ng`]);
        return true;
      } catch {
        return undefined;
      }
    }, 10000);
    const events = await found(marker, 3, sng);
    expect(events).toHaveLength(3);
    const bulk = events.filter((e) => e.source === 'es-bulk');
    const syslog = events.filter((e) => e.source === 'syslog');
    expect(syslog).toHaveLength(2);
    expect(bulk).toHaveLength(1);
    for (const e of events) expect(e).toMatchObject({ message: `${marker} via syslog-ng`, app: 'inventory', level: 'error', host: hostname() });
    expect(JSON.stringify(events)).not.toContain(org.ingestKey);
  });
});

describe('GELF over UDP', () => {
  it('reassembles chunked, compressed messages on the bound port, and takes a _key field over the bound organisation', async () => {
    const marker = `gelfudp${Date.now()}`;
    const gelfTs = Math.floor(Date.now() / 1000) * 1000 - 3_600_000 + 250;
    const message = Buffer.from(JSON.stringify({
      version: '1.1', host: 'gelf-host', short_message: `${marker} chunked`, full_message: 'x'.repeat(5000), timestamp: gelfTs / 1000, level: 3, _app: 'payments', _order_id: 42,
    }));
    const zipped = gzipSync(message);
    const id = Buffer.from('0102030405060708', 'hex');
    const size = Math.ceil(zipped.length / 3);
    const chunks = [0, 1, 2].map((i) => Buffer.concat([Buffer.from([0x1e, 0x0f]), id, Buffer.from([i, 3]), zipped.subarray(i * size, (i + 1) * size)]));
    const other = platform.createOrg(uniqueOrg('gelfkey'));
    const keyed = Buffer.from(JSON.stringify({ version: '1.1', host: 'h2', short_message: `${marker} keyed`, _key: other.ingestKey }));
    await sendUdp(PORTS.gelfUdp, [chunks[2], chunks[0], chunks[1], keyed]);
    const [event] = await found(marker, 1);
    expect(event).toMatchObject({ message: `${marker} chunked`, host: 'gelf-host', app: 'payments', level: 'error', ts: gelfTs, source: 'gelf' });
    expect(event.fields).toMatchObject({ order_id: 42 });
    // The keyed message went to the other organisation, without its key.
    const otherEvents = await eventually(async () => {
      const r = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${marker}&from=-1h`, { key: other.readKey });
      return r.body.events?.length === 1 ? r.body.events : undefined;
    }, 30000);
    expect(otherEvents[0]).toMatchObject({ message: `${marker} keyed`, tenant: other.org });
    expect(JSON.stringify(otherEvents)).not.toContain(other.ingestKey);
  });
});

describe('syslog while the broker is away', () => {
  it('stops reading the connection instead of dropping, and stores every line once NATS is back', async () => {
    const marker = `outsys${Date.now()}`;
    const frame = (i: number) => {
      const m = `<14>1 - writer app - - [millrace@53595 ${sdKey()}] ${marker} n${i}`;
      return `${Buffer.byteLength(m)} ${m}`;
    };
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: PORTS.syslogTcp }, () => resolve(s));
      s.on('error', reject);
    });
    const total = 3000;
    try {
      socket.write(Array.from({ length: 100 }, (_, i) => frame(i)).join(''));
      await found(`${marker}`, 100);
      stackServer('stop-one', 'nats');
      try {
        for (let i = 100; i < total; i += 100) socket.write(Array.from({ length: 100 }, (_, k) => frame(i + k)).join(''));
        // The gateway holds the connection (it stops reading) while it cannot publish.
        await eventually(async () => ((await gatewayMetric(platform.urls.ingest, 'millrace_syslog_paused_connections', {})) >= 1 ? true : undefined), 20000, 200);
      } finally {
        stackServer('start-one', 'nats');
      }
      const events = await found(`${marker} AND app:app`, total, undefined, 90000);
      await new Promise((r) => setTimeout(r, 2000));
      const again = await search(`${marker} AND app:app`);
      expect(again).toHaveLength(total);
      expect(new Set(again.map((e) => e.message)).size).toBe(total);
      expect(events.length).toBe(total);
    } finally {
      socket.destroy();
    }
  });
});

describe('a port bound to one organisation', () => {
  it('takes RFC 3164 from rsyslog over TCP without any key in the messages (SYSLOG_TCP_KEY)', async () => {
    await restartGateway({ SYSLOG_TCP_KEY: org.ingestKey, SYSLOG_UDP_KEY: org.ingestKey, GELF_UDP_KEY: org.ingestKey });
    const inPort = await freePort();
    const marker = `bound${Date.now()}`;
    const rsyslog = runRsyslog(`
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${inPort}")
action(type="omfwd" target="127.0.0.1" port="${PORTS.syslogTcp}" protocol="tcp" template="RSYSLOG_ForwardFormat")
`);
    daemons.push(rsyslog);
    await eventually(async () => {
      try {
        logger(['--tcp', '--server', '127.0.0.1', '--port', String(inPort), '--rfc3164', '-t', 'sshd', '-p', 'auth.warning', `${marker} bound port`]);
        return true;
      } catch {
        return undefined;
      }
    }, 10000);
    const [event] = await found(marker, 1, rsyslog);
    expect(event).toMatchObject({ message: `${marker} bound port`, app: 'sshd', level: 'warn', tenant: org.org });
  });
});
