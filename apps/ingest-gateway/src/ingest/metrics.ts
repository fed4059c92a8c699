import { Counter, Gauge, register } from 'prom-client';
import type { DecodeResult } from '../protocols/types';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });
}

function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  return (register.getSingleMetric(name) as Gauge) ?? new Gauge({ name, help, labelNames });
}

export const linesAccepted = counter('millrace_ingest_lines_total', 'Lines stored in INGEST and answered 2xx', ['protocol']);
export const bytesAccepted = counter('millrace_ingest_bytes_total', 'Bytes of line text stored in INGEST', ['protocol']);
export const requestsAccepted = counter('millrace_ingest_requests_total', 'Requests (or syslog/GELF batches) whose every line is stored', ['protocol']);
/**
 * Every refusal: whole requests (reason = the answer's cause: body_too_large, too_many_lines,
 * bad_request, unsupported_media_type, unauthorized, forbidden, rate_limited, quota_exceeded,
 * broker_unavailable, partially_stored, …), single items (rejected_item) and, on the syslog and
 * GELF listeners, lines that could not be attributed or stored (unauthenticated, invalid_key,
 * quota_exceeded, malformed_frame, frame_too_large, udp_dropped, …).
 */
export const refusals = counter('millrace_ingest_refusals_total', 'Requests, items or lines refused, by protocol and reason', ['protocol', 'reason']);
/** Lines refused individually (the rest of their request was stored). */
export const linesRefused = counter('millrace_ingest_lines_refused_total', 'Lines not stored, by protocol and reason', ['protocol', 'reason']);
export const truncations = counter('millrace_ingest_truncated_lines_total', 'Lines truncated to the line size limit', ['protocol']);
/** Lines kept with less than they carried: reason = fields_dropped, value_cut, invalid_utf8 (replaced by U+FFFD). */
export const alterations = counter('millrace_ingest_altered_total', 'Meta fields dropped or values cut, and bodies with invalid UTF-8 replaced, by protocol and reason', ['protocol', 'reason']);
export const syslogConnections = gauge('millrace_syslog_connections', 'Open syslog connections', ['transport']);
export const syslogBufferedBytes = gauge('millrace_syslog_buffered_bytes', 'Bytes of syslog lines buffered in the gateway, waiting to be published');
export const syslogPaused = gauge('millrace_syslog_paused_connections', 'Syslog connections not read right now (back-pressure)');
export const connectionEvents = counter('millrace_syslog_connection_events_total', 'Syslog connection events (opened, closed, refused_max_connections, idle_timeout, tls_error, reset)', ['transport', 'event']);
/**
 * Lines a listener dropped because no organisation could be named, by listener (`syslog-tcp`,
 * `syslog-tls`, `syslog-udp`, `gelf-udp`) and reason (`no_key`, `invalid_key`, `auth_unavailable`).
 */
export const unauthenticatedLines = counter('millrace_ingest_unauthenticated_lines_total', 'Lines dropped by a listener for want of a valid key, by listener and reason', ['listener', 'reason']);
export const gelfChunks = counter('millrace_gelf_udp_chunks_total', 'GELF UDP reassembly outcomes (completed, evicted, dropped)', ['outcome']);

/** Count what a decoder cut or refused item by item. */
export function recordDecode(protocol: string, result: Pick<DecodeResult, 'rejected' | 'truncated' | 'fieldsDropped' | 'valuesCut'>): void {
  if (result.truncated > 0) truncations.inc({ protocol }, result.truncated);
  if (result.fieldsDropped > 0) alterations.inc({ protocol, reason: 'fields_dropped' }, result.fieldsDropped);
  if (result.valuesCut > 0) alterations.inc({ protocol, reason: 'value_cut' }, result.valuesCut);
  if (result.rejected.length > 0) {
    refusals.inc({ protocol, reason: 'rejected_item' }, result.rejected.length);
    linesRefused.inc({ protocol, reason: 'rejected_item' }, result.rejected.length);
  }
}
