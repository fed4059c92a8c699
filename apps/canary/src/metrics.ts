import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LedgerCounts, LedgerEvent } from './ledger';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];

/** The canary's Prometheus metrics, in a registry of its own. */
export class CanaryMetrics {
  readonly registry = new Registry();
  readonly linesWritten = new Counter({ name: 'millrace_canary_lines_written_total', help: 'Lines acknowledged by the gateway', registers: [this.registry] });
  readonly linesUnacknowledged = new Gauge({ name: 'millrace_canary_lines_unacknowledged', help: 'Lines whose request was given up without a 2xx (not expected to be found)', registers: [this.registry] });
  readonly writeRetries = new Counter({ name: 'millrace_canary_write_retries_total', help: 'Requests sent again with the same Idempotency-Key', registers: [this.registry] });
  readonly writeFailures = new Counter({ name: 'millrace_canary_write_failures_total', help: 'Failed write attempts, by answer (status, timeout, unreachable)', labelNames: ['reason'], registers: [this.registry] });
  readonly readFailures = new Counter({ name: 'millrace_canary_read_failures_total', help: 'Failed read attempts, by path', labelNames: ['path'], registers: [this.registry] });
  readonly missing = new Gauge({ name: 'millrace_canary_lines_missing', help: 'Acknowledged lines not found within the missing threshold, by read path', labelNames: ['path'], registers: [this.registry] });
  readonly duplicated = new Gauge({ name: 'millrace_canary_lines_duplicated', help: 'Lines found under more than one event id, by read path', labelNames: ['path'], registers: [this.registry] });
  readonly late = new Gauge({ name: 'millrace_canary_lines_late', help: 'Lines found later than the late threshold, by read path', labelNames: ['path'], registers: [this.registry] });
  readonly pending = new Gauge({ name: 'millrace_canary_lines_pending', help: 'Acknowledged lines not found yet, by read path', labelNames: ['path'], registers: [this.registry] });
  readonly writeSeconds = new Histogram({ name: 'millrace_canary_write_seconds', help: 'From a request first sent to its 2xx, retries included', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly searchableSeconds = new Histogram({ name: 'millrace_canary_write_to_searchable_seconds', help: 'From a line written to it being found through search', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly tailSeconds = new Histogram({ name: 'millrace_canary_write_to_tail_seconds', help: 'From a line written to it arriving on the live tail', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly tailReconnects = new Counter({ name: 'millrace_canary_tail_reconnects_total', help: 'Live tail reconnections (with Last-Event-ID)', registers: [this.registry] });
  readonly tailDropped = new Counter({ name: 'millrace_canary_tail_dropped_total', help: 'Lines the server said this tail missed for reading too slowly', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'millrace_canary_' });
  }

  record(event: LedgerEvent): void {
    if (event.kind === 'acked') {
      this.linesWritten.inc();
      this.writeSeconds.observe(event.writeMs / 1000);
    } else if (event.kind === 'found') {
      (event.path === 'search' ? this.searchableSeconds : this.tailSeconds).observe(event.latencyMs / 1000);
    }
  }

  update(counts: LedgerCounts): void {
    this.linesUnacknowledged.set(counts.unacknowledged);
    for (const path of ['search', 'tail'] as const) {
      this.missing.set({ path }, counts[path].missing);
      this.duplicated.set({ path }, counts[path].duplicated);
      this.late.set({ path }, counts[path].late);
      this.pending.set({ path }, counts[path].pending);
    }
  }

  /** `/metrics` and `/health/live` on the port (0: a free one); resolves with the port. */
  serve(port: number, host: string): Promise<{ port: number; close: () => Promise<void> }> {
    const server = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        this.registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': this.registry.contentType });
          res.end(text);
        }, () => res.writeHead(500).end());
      } else if (req.url === '/health/live' || req.url === '/health/ready') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else res.writeHead(404).end();
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve({
          port: typeof address === 'object' && address ? address.port : port,
          close: () => new Promise((r) => server.close(() => r())),
        });
      });
    });
  }
}
