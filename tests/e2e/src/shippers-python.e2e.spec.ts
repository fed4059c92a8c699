// Shipper compatibility, part 2: the Python clients (elasticsearch, python-logging-loki, pygelf,
// the OpenTelemetry SDK) as the real PyPI packages in a virtual environment the test makes
// (support/python-clients.ts), each with its documented settings. Every test checks what was
// stored (message, app, host, level, time, fields). The README's compatibility table reports these.
import { URL } from 'node:url';
import { ensurePythonClients, runPython } from './support/python-clients';
import { recent, startShipperRun, type ShipperRun } from './support/shippers';

let run: ShipperRun;

beforeAll(async () => {
  ensurePythonClients();
  run = await startShipperRun('shippy');
}, 600_000);
afterAll(() => run?.platform.shutdown());

const ts = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const iso = new Date(ts).toISOString();

describe('elasticsearch-py 8', () => {
  it('helpers.bulk, bulk (PUT /_bulk) and index store ECS documents with their fields as paths', async () => {
    const marker = `pyes${Date.now()}`;
    const answers = runPython<{ helpers: [number, unknown[]]; bulk: boolean; index: string }>('es_bulk.py', [run.platform.urls.ingest, run.org.ingestKey, marker, iso]);
    expect(answers).toEqual({ helpers: [1, []], bulk: false, index: 'created' });
    const events = await run.found(marker, 3);
    expect(events.map((e) => e.message).sort()).toEqual([`${marker} bulk`, `${marker} helpers`, `${marker} index`]);
    for (const e of events) {
      expect(e).toMatchObject({ app: 'py-api', host: 'py-host', level: 'warn', ts, source: 'es-bulk' });
      expect(e.fields).toEqual({
        service: { name: 'py-api' }, host: { name: 'py-host' }, http: { request: { method: 'GET' }, status_code: 503 },
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', k8s: { pod: { name: 'py-pod-1', labels: { 'app_kubernetes_io/name': 'py-api' } }, namespace: { name: 'shop' } },
        es_index: expect.stringMatching(/^py-logs/),
      });
    }
    for (const q of ['http.status_code:>=500', 'service.name:py-api', 'k8s.pod.name:py-pod-1', 'k8s.pod.labels.app_kubernetes_io/name:py-api', 'trace_id:4bf92f3577b34da6a3ce929d0e0e4736']) {
      expect([q, await run.count(`${marker} AND ${q}`)]).toEqual([q, 3]);
    }
  });
});

describe('python-logging-loki', () => {
  it('sends the level as the stream label severity, the app as a tag', async () => {
    const marker = `pyloki${Date.now()}`;
    expect(runPython('loki.py', [`${run.platform.urls.ingest}/loki/api/v1/push`, run.org.ingestKey, marker])).toBe('sent');
    const [event] = await run.found(marker);
    expect(event).toMatchObject({ message: `${marker} low stock`, app: 'py-shop', level: 'warn', source: 'loki' });
    expect(recent(event.ts)).toBe(true);
    expect(event.fields).toEqual({ labels: { logger: 'shop', region: 'eu' } });
  });
});

describe('pygelf', () => {
  it('GelfHttpHandler with compress=True (zlib labelled gzip,deflate) is stored', async () => {
    const marker = `pygelf${Date.now()}`;
    expect(runPython('gelf.py', [new URL(run.platform.urls.ingest).port, run.org.ingestKey, marker])).toBe('sent');
    const [event] = await run.found(marker);
    expect(event).toMatchObject({ message: `${marker} payment failed`, app: 'py-gelf', level: 'error', source: 'gelf' });
    // pygelf sends socket.getfqdn() as the host.
    expect(event.host).not.toBe('unknown');
    expect(recent(event.ts)).toBe(true);
    expect(event.fields).toEqual({});
  });
});

describe('OpenTelemetry Python SDK', () => {
  it('LoggingHandler and the OTLP/HTTP exporter: attributes as paths, Kubernetes resource attributes under k8s.*', async () => {
    const marker = `pyotel${Date.now()}`;
    expect(runPython('otel.py', [`${run.platform.urls.ingest}/v1/logs`, run.org.ingestKey, marker])).toEqual([0]);
    const [event] = await run.found(marker);
    expect(event).toMatchObject({ message: `${marker} card declined`, app: 'py-otel', host: 'py-otel-host', level: 'error', source: 'otlp' });
    expect(recent(event.ts)).toBe(true);
    expect(event.fields).toMatchObject({
      http: { status_code: 402 }, order: { id: 'o-7' },
      resource: { service: { name: 'py-otel' }, k8s: { pod: { name: 'py-otel-pod' } } },
      k8s: { pod: { name: 'py-otel-pod', labels: { 'app_kubernetes_io/name': 'py-otel' } }, namespace: { name: 'shop' } },
      scope: { name: 'checkout' },
    });
    for (const q of ['http.status_code:402', 'http.status_code:>400', 'resource.k8s.pod.name:py-otel-pod', 'k8s.pod.name:py-otel-pod', 'k8s.namespace.name:shop']) {
      expect([q, await run.count(`${marker} AND ${q}`)]).toEqual([q, 1]);
    }
  });
});
