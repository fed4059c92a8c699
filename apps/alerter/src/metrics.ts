import { Counter, Gauge, Histogram, register } from 'prom-client';

function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const linesMatched = once('millrace_alerter_lines_matched_total', () => new Counter({
  name: 'millrace_alerter_lines_matched_total', help: 'Lines that matched a stream alert (once per alert)', labelNames: ['kind'],
}));
export const lateLines = once('millrace_alerter_late_lines_total', () => new Counter({
  name: 'millrace_alerter_late_lines_total', help: 'Lines not counted for stream alerts because they were received longer ago than STREAM_MAX_LATENESS_MS, or are rehydrated', labelNames: [],
}));
export const duplicateBatches = once('millrace_alerter_duplicate_batches_total', () => new Counter({
  name: 'millrace_alerter_duplicate_batches_total', help: 'Redelivered EVENTS batches already counted (skipped)', labelNames: [],
}));
export const transitions = once('millrace_alerter_transitions_total', () => new Counter({
  name: 'millrace_alerter_transitions_total', help: 'Alert states that fired or resolved', labelNames: ['kind', 'event'],
}));
export const notifications = once('millrace_alerter_notifications_total', () => new Counter({
  name: 'millrace_alerter_notifications_total', help: 'Notification outcomes: sent, retried, failed, suppressed, cancelled', labelNames: ['channel', 'outcome'],
}));
export const notificationDelay = once('millrace_alerter_notification_delay_seconds', () => new Histogram({
  name: 'millrace_alerter_notification_delay_seconds', help: 'From the condition being met to the channel accepting the notification', labelNames: ['channel'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
}));
export const thresholdEvaluations = once('millrace_alerter_threshold_evaluations_total', () => new Counter({
  name: 'millrace_alerter_threshold_evaluations_total', help: 'Scheduled threshold evaluations, by outcome (ok, error)', labelNames: ['outcome'],
}));
export const activeAlerts = once('millrace_alerter_active_alerts', () => new Gauge({
  name: 'millrace_alerter_active_alerts', help: 'Enabled alerts known to this alerter, by kind', labelNames: ['kind'],
}));
export const batchApplySeconds = once('millrace_alerter_batch_apply_seconds', () => new Histogram({
  name: 'millrace_alerter_batch_apply_seconds', help: 'Time to write one EVENTS batch’s window counts to PostgreSQL',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
}));
