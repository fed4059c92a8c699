import { Counter, Gauge, Histogram, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[] = []): Counter {
  return (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });
}
function gauge(name: string, help: string): Gauge {
  return (register.getSingleMetric(name) as Gauge) ?? new Gauge({ name, help });
}

/** Lines by what became of them: archived (in a verified part), dead_lettered. */
export const archiveEvents = counter('millrace_archive_events_total', 'Events archived (in a verified part) or dead-lettered, by outcome', ['outcome']);
/** Messages of tenants without an archive: acked without writing (and without being decoded). */
export const noArchiveMessages = counter('millrace_archive_no_archive_messages_total', 'EVENTS messages of tenants without an archive, acked without writing');
export const archiveParts = counter('millrace_archive_parts_total', 'Parts (objects) uploaded and verified, or failed', ['outcome', 'verification']);
export const uploadFailures = counter('millrace_archive_upload_failures_total', 'Part uploads that failed (the part\'s messages are nak\'ed and redelivered), by reason', ['reason']);
export const archiveBytes = counter('millrace_archive_bytes_total', 'Bytes of verified parts, compressed and uncompressed', ['kind']);
export const uploadSeconds =
  (register.getSingleMetric('millrace_archive_upload_seconds') as Histogram) ??
  new Histogram({
    name: 'millrace_archive_upload_seconds',
    help: 'Time to compress, upload and verify one part with its manifest',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
export const heldBytes = gauge('millrace_archive_held_bytes', 'Bytes of EVENTS messages held un-acked while their parts are open or uploading');
export const heldMessages = gauge('millrace_archive_held_messages', 'EVENTS messages held un-acked');
export const openParts = gauge('millrace_archive_open_parts', 'Parts open (tenant-hours buffering)');
export const failingDestinations = gauge('millrace_archive_destinations_failing', 'Tenant destinations whose last upload or probe failed');

export const rehydrationJobs = counter('millrace_rehydration_jobs_total', 'Rehydration jobs finished, by state', ['state']);
export const rehydrationLines = counter('millrace_rehydration_lines_total', 'Lines read from archives by rehydration, by outcome (indexed, filtered, rejected)', ['outcome']);
export const rehydrationObjectsSkipped = counter('millrace_rehydration_objects_skipped_total', 'Archive objects skipped by rehydration because they are corrupt, by reason', ['reason']);
export const rehydratedIndicesDeleted = counter('millrace_rehydrated_indices_deleted_total', 'Rehydrated indices removed, by why (expired, cancelled, orphan)', ['why']);
