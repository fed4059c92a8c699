/**
 * Request-reply subjects the alerter answers (JSON). The query-api asks; no app reads
 * another's tables. Replies are `{ ok: true, result }` or `{ ok: false, status, message }`.
 */
export const ALERTER_SUBJECTS = {
  /** `{ tenant, alertId, limit }` → `{ state, evaluations, notifications }`. */
  history: 'alerter.alerts.history',
  /** `{ tenant, alert, from, to }` → a dry run over the past. */
  test: 'alerter.alerts.test',
} as const;
