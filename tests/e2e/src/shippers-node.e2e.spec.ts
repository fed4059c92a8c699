// Shipper compatibility, part 1: the npm clients (@logdna/logger, @elastic/elasticsearch 8 and 9,
// pino-loki, gelf-pro, the OpenTelemetry JS SDK) and syslog-ng's elasticsearch-http() with its
// default template, each as the real package with its documented settings. Every test checks
// what was stored (message, app, host, level, time, fields) and that the query language finds
// the fields under the names that were sent. The README's compatibility table reports these.
import { execFileSync } from 'node:child_process';
import { Client as Client8 } from 'es8';
import { Client as Client9 } from 'es9';
import gelf from 'gelf-pro';
import { hostname } from 'node:os';
import path from 'node:path';
import { ensureLogger, ensureSyslogNg, freePort, logger, runSyslogNg, type Daemon } from './support/clients';
import { gatewayPorts } from './support/gateway';
import { eventually } from './support/http';
import { recent, startShipperRun, type ShipperRun } from './support/shippers';

let run: ShipperRun;
const daemons: Daemon[] = [];

beforeAll(async () => {
  run = await startShipperRun('shipnode');
}, 120_000);
afterAll(async () => {
  for (const d of daemons) await d.stop();
  await run?.platform.shutdown();
});

// A fixed time an hour ago, for clients that can be given one.
const ts = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const iso = new Date(ts).toISOString();

/** ECS-style document, with dotted names both literal and nested. */
function ecsDoc(marker: string, n: string): Record<string, unknown> {
  return {
    '@timestamp': iso, message: `${marker} ${n}`, 'log.level': 'warn', service: { name: 'node-api' }, host: { name: 'node-host' },
    'http.status_code': 503, http: { request: { method: 'POST' } }, trace: { id: 'abc123' }, kubernetes: { pod_name: 'node-pod-1', namespace_name: 'shop' },
  };
}

describe('@elastic/elasticsearch', () => {
  it.each([['es8', Client8], ['es9', Client9]] as const)('%s: bulk, helpers.bulk and index store ECS documents with their fields as paths', async (pkg, Client) => {
    const client = new Client({ node: run.platform.urls.ingest, auth: { apiKey: run.org.ingestKey } });
    const marker = `${pkg}x${Date.now()}`;
    const bulk = await client.bulk({ operations: [{ index: { _index: 'node-logs-2024.05.01' } }, ecsDoc(marker, 'bulk')] });
    expect(bulk.errors).toBe(false);
    const helpers = await client.helpers.bulk({ datasource: [ecsDoc(marker, 'helpers')], onDocument: () => ({ create: { _index: 'node-logs-2024.05.01' } }) });
    expect([helpers.successful, helpers.failed]).toEqual([1, 0]);
    const index = await client.index({ index: 'node-logs', document: ecsDoc(marker, 'index') });
    expect(index.result).toBe('created');
    await client.close();

    const events = await run.found(marker, 3);
    expect(events.map((e) => e.message).sort()).toEqual([`${marker} bulk`, `${marker} helpers`, `${marker} index`]);
    for (const e of events) {
      expect(e).toMatchObject({ app: 'node-api', host: 'node-host', level: 'warn', ts, source: 'es-bulk' });
      expect(e.fields).toEqual({
        http: { status_code: 503, request: { method: 'POST' } }, service: { name: 'node-api' }, host: { name: 'node-host' },
        trace_id: 'abc123', k8s: { pod: { name: 'node-pod-1' }, namespace: { name: 'shop' } }, es_index: expect.stringMatching(/^node-logs/),
      });
    }
    // The names that were sent find them, numbers compare as numbers.
    for (const q of ['http.status_code:503', 'http.status_code:>=500', 'service.name:node-api', 'k8s.pod.name:node-pod-1', 'trace_id:abc123']) {
      expect([q, await run.count(`${marker} AND ${q}`)]).toEqual([q, 3]);
    }
    expect(await run.count(`${marker} AND http.status_code:<500`)).toBe(0);
  });
});

describe('@logdna/logger', () => {
  it('sends to /logs/ingest with its app, hostname, level and meta', async () => {
    const marker = `logdna${Date.now()}`;
    const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'logdna.mjs'), run.platform.urls.ingest, run.org.ingestKey, marker], { encoding: 'utf8', timeout: 30000 });
    expect(JSON.parse(out.trim())).toEqual([]);
    const [event] = await run.found(marker);
    expect(event).toMatchObject({ message: `${marker} disk almost full`, app: 'logdna-app', host: 'logdna-host', level: 'warn', source: 'http-json' });
    expect(recent(event.ts)).toBe(true);
    expect(event.fields).toEqual({ disk: { free_mb: 512 }, volume: { id: 'v-1' } });
    expect(await run.count(`${marker} AND disk.free_mb:>500`)).toBe(1);
  });
});

describe('pino-loki', () => {
  it('sends pino’s JSON lines with the level and hostname as stream labels', async () => {
    const marker = `pinoloki${Date.now()}`;
    const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'pino-loki.mjs'), run.platform.urls.ingest, run.org.ingestKey, marker], { encoding: 'utf8', timeout: 30000 });
    expect(JSON.parse(out.trim())).toBe('sent');
    const [event] = await run.found(marker);
    expect(event).toMatchObject({ message: `${marker} slow down`, app: 'pino-app', host: hostname(), level: 'warn', source: 'loki' });
    expect(recent(event.ts)).toBe(true);
    expect(event.fields).toEqual({ pid: expect.any(Number), cart: { id: 'c-1' }, http: { status_code: 429 } });
    expect(await run.count(`${marker} AND http.status_code:429 AND cart.id:c-1`)).toBe(1);
  });
});

describe('gelf-pro', () => {
  it('sends GELF over UDP; its facility field names the app', async () => {
    const marker = `gelfpro${Date.now()}`;
    gelf.setConfig({
      fields: { facility: 'gelf-pro-app', key: run.org.ingestKey },
      adapterName: 'udp',
      adapterOptions: { host: '127.0.0.1', port: gatewayPorts().gelfUdp },
    });
    // UDP has no answer: send again while nothing is stored (a datagram may be lost).
    await eventually(async () => {
      await new Promise<void>((resolve, reject) => gelf.warning(`${marker} queue is long`, { queue: { depth: 1200 } }, (err: unknown) => (err ? reject(err) : resolve())));
      await new Promise((r) => setTimeout(r, 3000));
      return (await run.count(marker)) > 0 ? true : undefined;
    }, 60000, 0);
    const [event] = await run.found(marker);
    expect(event).toMatchObject({ message: `${marker} queue is long`, app: 'gelf-pro-app', host: hostname(), level: 'warn', source: 'gelf' });
    expect(recent(event.ts)).toBe(true);
    // gelf-pro flattens nested objects itself (GELF fields are flat): queue.depth arrives as _queue_depth.
    expect(event.fields).toEqual({ facility: 'gelf-pro-app', queue_depth: 1200 });
    expect(JSON.stringify(event)).not.toContain(run.org.ingestKey);
  });
});

describe('OpenTelemetry JS SDK', () => {
  it('keeps attribute names as paths: record, resource and the k8s.* names every shipper’s share', async () => {
    const marker = `oteljs${Date.now()}`;
    const extra = { resource: { 'k8s.pod.name': 'js-pod-1', 'k8s.namespace.name': 'shop', 'k8s.pod.labels.app.kubernetes.io/name': 'checkout' }, attributes: { 'http.status_code': 200 } };
    const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'otel-export.mjs'), 'protobuf', `${run.platform.urls.ingest}/v1/logs`, run.org.ingestKey, `${marker} paid`, String(ts), JSON.stringify(extra)], { encoding: 'utf8', timeout: 30000 });
    expect(JSON.parse(out.trim())).toEqual([{ code: 0 }]);
    const [event] = await run.found(marker);
    expect(event).toMatchObject({ message: `${marker} paid`, app: 'checkout', host: 'otel-host', level: 'error', ts, source: 'otlp' });
    expect(event.fields).toMatchObject({
      order: { id: 'o-9' }, amount: 12.5, http: { status_code: 200 },
      resource: { service: { name: 'checkout' }, k8s: { pod: { name: 'js-pod-1' } } },
      k8s: { pod: { name: 'js-pod-1', labels: { 'app_kubernetes_io/name': 'checkout' } }, namespace: { name: 'shop' } },
    });
    for (const q of ['http.status_code:200', 'http.status_code:[200 TO 299]', 'resource.service.name:checkout', 'resource.k8s.pod.name:js-pod-1', 'k8s.pod.name:js-pod-1', 'k8s.pod.labels.app_kubernetes_io/name:checkout']) {
      expect([q, await run.count(`${marker} AND ${q}`)]).toEqual([q, 1]);
    }
  });
});

describe('syslog-ng elasticsearch-http()', () => {
  beforeAll(() => {
    ensureSyslogNg();
    ensureLogger();
  }, 300_000);

  it('with its default template: upper-case MESSAGE, HOST, PROGRAM, PRIORITY land in message, host, app, level', async () => {
    const inPort = await freePort();
    const marker = `sngdefault${Date.now()}`;
    const sng = runSyslogNg(`
source s_in { syslog(transport(tcp) ip(127.0.0.1) port(${inPort})); };
destination d_es { elasticsearch-http(url("${run.platform.urls.ingest}/_bulk") index("syslog-ng") type("") user("${run.org.ingestKey}") password("x")); };
log { source(s_in); destination(d_es); };
`);
    daemons.push(sng);
    await eventually(async () => {
      try {
        logger(['--tcp', '--server', '127.0.0.1', '--port', String(inPort), '--octet-count', '--rfc5424', '-t', 'inventory', '-p', 'local3.err', `${marker} disk full`]);
        return true;
      } catch {
        return undefined;
      }
    }, 10000);
    const [event] = await run.found(marker, 1, () => `syslog-ng output:\n${sng.log()}`);
    // Without keep-hostname(yes) syslog-ng names the sender by its address: 127.0.0.1 is localhost.
    expect(event).toMatchObject({ message: `${marker} disk full`, app: 'inventory', host: 'localhost', level: 'error', source: 'es-bulk' });
    expect(recent(event.ts)).toBe(true);
    // What the template sends beside them stays (FACILITY, ISODATE, logger's structured data); nothing is stored twice.
    expect(event.fields).toEqual({ FACILITY: 'local3', ISODATE: expect.any(String), SDATA: { timeQuality: expect.any(Object) }, es_index: 'syslog-ng' });
    expect(JSON.stringify(event)).not.toContain(run.org.ingestKey);
  });
});
