import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });
}

export const linesAccepted = counter('millrace_ingest_lines_total', 'Lines stored in INGEST and answered 2xx', ['protocol']);
export const bytesAccepted = counter('millrace_ingest_bytes_total', 'Bytes of line text stored in INGEST', ['protocol']);
export const refusals = counter('millrace_ingest_refusals_total', 'Requests or lines refused, by reason', ['protocol', 'reason']);
export const truncations = counter('millrace_ingest_truncated_lines_total', 'Lines truncated to the line size limit', ['protocol']);
