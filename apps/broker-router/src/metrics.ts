import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });
}
function gauge(name: string, help: string, labelNames: string[]): Gauge {
  return (register.getSingleMetric(name) as Gauge) ?? new Gauge({ name, help, labelNames });
}

/** Every line the router sees ends in exactly one outcome (no_index lines are also kept). */
export const routedLines = counter('millrace_router_lines_total', 'Lines routed, by outcome: kept, excluded, sampled, over_quota; no_index counts kept lines marked not to be indexed', ['outcome']);
export const usageFlushes = counter('millrace_router_usage_flushes_total', 'Usage counter flushes to PostgreSQL, by outcome', ['outcome']);
export const quotaBroadcasts = counter('millrace_router_quota_broadcasts_total', 'usage.quota.state broadcasts, by state', ['state']);
export const drainLines = counter('millrace_drain_lines_total', 'Drain lines, by outcome: delivered, dropped_overflow, dropped_failed, filtered', ['outcome', 'type']);
export const drainAttempts = counter('millrace_drain_attempts_total', 'Drain delivery attempts, by result', ['result', 'type']);
export const drainBuffered = gauge('millrace_drain_buffered_lines', 'Lines waiting in drain buffers', []);
export const drainsActive = gauge('millrace_drains_active', 'Drains this replica delivers to', []);
