import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { AlertDefinition } from '../definitions/alert-definition';
import type { CompiledAlert } from '../definitions/compile';
import { OTHER_GROUPS } from '../engine/fields';
import { scheduleBlocks } from '../engine/schedule';
import { breaches, missingValue } from '../engine/threshold';
import { firingSuppression, sendResolve } from '../engine/throttle';
import { addLines, closeWindows, idleState, openedState, type Sample, type Transition, type WindowState } from '../engine/windows';
import { notificationContext, type TransitionFacts } from '../notify/context';
import { ALERTER_CONFIG, type AlerterConfig } from '../config';
import { transitions as transitionCounter } from '../metrics';

/** Matching lines of one EVENTS batch for one (alert, group). */
export interface TouchedGroup {
  alert: CompiledAlert;
  group: string;
  /** Receive time of the lines (the batch's). */
  t: number;
  lines: number;
  samples: Sample[];
}

interface StateRow {
  alert_id: string;
  group_key: string;
  alert_version: number;
  window_start: string | null;
  window_end: string | null;
  count: string;
  firing: boolean;
  notified: boolean;
  samples: Sample[];
  last_value: number | null;
}

/** A (alert, group) state being worked on inside a transaction. */
interface Working {
  alert: AlertDefinition;
  group: string;
  state: WindowState;
  notified: boolean;
  lastValue: number | null;
  exists: boolean;
  remove?: boolean;
}

/** TypeORM answers UPDATE and DELETE with [rows, count], everything else with rows. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** Namespace of the alerter's advisory locks (two-key form: its own key space). */
const LOCK_CLASS = 0x616c7274;

/** A stable 32-bit key per alert for `pg_advisory_xact_lock`. */
export function alertLockKey(alertId: string): number {
  return Number.parseInt(alertId.replace(/-/g, '').slice(0, 8), 16) | 0;
}

function toState(row: StateRow | undefined): WindowState {
  if (!row) return idleState();
  return {
    windowStart: row.window_start === null ? null : Number(row.window_start),
    windowEnd: row.window_end === null ? null : Number(row.window_end),
    count: Number(row.count),
    firing: row.firing,
    samples: row.samples ?? [],
  };
}

/**
 * Every write of alert state, in PostgreSQL. All changes to one alert happen inside a
 * transaction holding that alert's advisory lock, so any number of alerter replicas can count
 * lines, close windows and evaluate schedules for the same alert and see consistent counts.
 * Notifications go into the `notifications` outbox in the same transaction as the state
 * change that causes them: either both are stored or neither.
 */
@Injectable()
export class AlertStore {
  /** Called after a commit that queued notifications, so the dispatcher sends them at once. */
  onQueued: () => void = () => undefined;

  constructor(
    private readonly db: DataSource,
    @Inject(ALERTER_CONFIG) private readonly config: AlerterConfig,
  ) {}

  private async transaction<T>(work: (q: QueryRunner) => Promise<T>): Promise<T> {
    const q = this.db.createQueryRunner();
    await q.connect();
    try {
      await q.startTransaction();
      const result = await work(q);
      await q.commitTransaction();
      return result;
    } catch (error) {
      if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await q.release();
    }
  }

  private async lock(q: QueryRunner, alertIds: string[]): Promise<void> {
    // Always in the same order, so two transactions never wait on each other in a cycle.
    // One round trip: PostgreSQL evaluates volatile target-list functions after ORDER BY.
    const keys = [...new Set(alertIds.map(alertLockKey))].sort((a, b) => a - b);
    if (keys.length === 1) await q.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, keys[0]]);
    else if (keys.length > 1) await q.query('SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int[]) AS k ORDER BY k', [LOCK_CLASS, keys]);
  }

  private async loadRows(q: QueryRunner, keys: Array<[string, string]>): Promise<Map<string, StateRow>> {
    if (keys.length === 0) return new Map();
    const rows: StateRow[] = await q.query(
      `SELECT s.* FROM window_state s JOIN unnest($1::uuid[], $2::text[]) AS k(alert_id, group_key)
         ON s.alert_id = k.alert_id AND s.group_key = k.group_key`,
      [keys.map((k) => k[0]), keys.map((k) => k[1])],
    );
    return new Map(rows.map((r) => [`${r.alert_id}\u0000${r.group_key}`, r]));
  }

  /** Write the changed states in one statement, delete the ones marked for removal. */
  private async saveRows(q: QueryRunner, rows: Working[]): Promise<void> {
    const keep = rows.filter((r) => !r.remove);
    const drop = rows.filter((r) => r.remove && r.exists);
    if (keep.length > 0) {
      await q.query(
        `INSERT INTO window_state (alert_id, group_key, tenant, alert_version, window_start, window_end, count, firing, notified, samples, last_value, updated_at)
         SELECT alert_id, group_key, tenant, alert_version, window_start, window_end, count, firing, notified, samples, last_value, now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bool[], $9::bool[], $10::jsonb[], $11::float8[])
             AS r(alert_id, group_key, tenant, alert_version, window_start, window_end, count, firing, notified, samples, last_value)
         ON CONFLICT (alert_id, group_key) DO UPDATE SET
           alert_version = EXCLUDED.alert_version, window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
           count = EXCLUDED.count, firing = EXCLUDED.firing, notified = EXCLUDED.notified, samples = EXCLUDED.samples,
           last_value = EXCLUDED.last_value, updated_at = now()`,
        [
          keep.map((r) => r.alert.id), keep.map((r) => r.group), keep.map((r) => r.alert.tenant), keep.map((r) => r.alert.version),
          keep.map((r) => r.state.windowStart), keep.map((r) => r.state.windowEnd), keep.map((r) => r.state.count),
          keep.map((r) => r.state.firing), keep.map((r) => r.notified), keep.map((r) => JSON.stringify(r.state.samples)), keep.map((r) => r.lastValue),
        ],
      );
    }
    if (drop.length > 0) {
      await q.query(
        `DELETE FROM window_state s USING unnest($1::uuid[], $2::text[]) AS k(alert_id, group_key)
          WHERE s.alert_id = k.alert_id AND s.group_key = k.group_key`,
        [drop.map((r) => r.alert.id), drop.map((r) => r.group)],
      );
    }
  }

  /**
   * Count one EVENTS batch's matching lines: one transaction for the whole batch, one read and
   * one write of all the (alert, group) states it touched. A batch already counted (redelivered
   * after a crash between commit and ack) changes nothing. Returns false for such a batch.
   */
  async applyBatch(batchKey: string, touched: TouchedGroup[], now = Date.now()): Promise<boolean> {
    let queued = 0;
    const applied = await this.transaction(async (q) => {
      const fresh = await q.query('INSERT INTO processed_batches (batch_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING batch_key', [batchKey]);
      if (fresh.length === 0) return false;
      await this.lock(q, touched.map((t) => t.alert.def.id));
      const keys = new Map<string, [string, string]>();
      for (const t of touched) {
        keys.set(`${t.alert.def.id}\u0000${t.group}`, [t.alert.def.id, t.group]);
        if (t.alert.def.groupBy) keys.set(`${t.alert.def.id}\u0000${OTHER_GROUPS}`, [t.alert.def.id, OTHER_GROUPS]);
      }
      const rows = await this.loadRows(q, [...keys.values()]);
      const groupCounts = await this.groupCounts(q, touched.filter((t) => t.alert.def.groupBy && !rows.has(`${t.alert.def.id}\u0000${t.group}`)).map((t) => t.alert.def.id));
      const working = new Map<string, Working>();
      for (const t of touched) {
        const def = t.alert.def;
        let group = t.group;
        let key = `${def.id}\u0000${group}`;
        if (def.groupBy && !rows.has(key) && !working.has(key)) {
          // A new group: within the bound it gets its own state, beyond it joins "(other)".
          const count = groupCounts.get(def.id) ?? 0;
          if (count >= def.maxGroups) {
            group = OTHER_GROUPS;
            key = `${def.id}\u0000${group}`;
          } else groupCounts.set(def.id, count + 1);
        }
        let w = working.get(key);
        if (!w) {
          w = this.working(def, group, rows.get(key), t.t);
          working.set(key, w);
        }
        const r = addLines(t.alert.window!, w.state, t.t, t.lines, t.samples);
        w.state = r.state;
        queued += await this.record(q, w, r.transitions, now);
      }
      await this.saveRows(q, [...working.values()]);
      return true;
    });
    if (queued > 0) this.onQueued();
    return applied;
  }

  private async groupCounts(q: QueryRunner, alertIds: string[]): Promise<Map<string, number>> {
    if (alertIds.length === 0) return new Map();
    const rows: Array<{ alert_id: string; n: string }> = await q.query(
      'SELECT alert_id, count(*) AS n FROM window_state WHERE alert_id = ANY($1::uuid[]) GROUP BY alert_id',
      [[...new Set(alertIds)]],
    );
    return new Map(rows.map((r) => [r.alert_id, Number(r.n)]));
  }

  /** The state to work on: the stored one, restarted if the definition changed since. */
  private working(def: AlertDefinition, group: string, row: StateRow | undefined, t: number): Working {
    let state = toState(row);
    if (row && row.alert_version !== def.version) {
      // The rule changed: count afresh, but remember whether it fires so a resolve still follows.
      const restarted = def.kind === 'absence' ? openedState(t, { kind: 'absence', count: def.count, windowMs: def.windowSeconds * 1000, trigger: 'immediate' }) : idleState();
      state = { ...restarted, firing: row.firing };
    }
    return { alert: def, group, state, notified: row?.notified ?? false, lastValue: row?.last_value ?? null, exists: !!row };
  }

  /**
   * Store what changed: an evaluation per transition and its notifications (or why there are
   * none). Returns how many notifications were queued.
   */
  private async record(q: QueryRunner, w: Working, changes: Transition[] | TransitionFacts[], now: number): Promise<number> {
    let queued = 0;
    for (const change of changes) {
      const facts: TransitionFacts = { group: w.group, ...change } as TransitionFacts;
      const def = w.alert;
      transitionCounter.inc({ kind: def.kind, event: facts.event });
      const [evaluation] = await q.query(
        `INSERT INTO evaluations (tenant, alert_id, group_key, outcome, count, value, threshold, window_start, window_end, at, samples)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10 / 1000.0), $11) RETURNING id`,
        [def.tenant, def.id, w.group, facts.event === 'firing' ? 'fired' : 'resolved', facts.count ?? null, facts.value ?? null,
          def.kind === 'threshold' ? def.value : def.count, facts.windowStart, facts.windowEnd, facts.at, JSON.stringify(facts.samples)],
      );
      const context = notificationContext(def, facts, this.config.PUBLIC_QUERY_URL);
      let send: boolean;
      let reason: string | undefined;
      if (facts.event === 'firing') {
        const runtime = await this.runtime(q, def);
        reason = firingSuppression({
          now, mutedUntil: def.mutedUntil, scheduleBlock: scheduleBlocks(def.schedule, now),
          throttleMs: def.throttleSeconds * 1000, lastNotifiedAt: runtime,
        });
        if (!reason && def.channels.length === 0) reason = 'no channels';
        send = !reason;
        if (send) await q.query('UPDATE alert_runtime SET last_notified_at = to_timestamp($2 / 1000.0) WHERE alert_id = $1', [def.id, now]);
        w.notified = send;
      } else {
        send = sendResolve(w.notified, def.notifyOnResolve) && def.channels.length > 0;
        if (!send) reason = w.notified ? 'resolves not wanted' : 'firing was not notified';
        w.notified = false;
      }
      if (send) {
        const ids = def.channels.map(() => randomUUID());
        await q.query(
          `INSERT INTO notifications (id, tenant, alert_id, evaluation_id, group_key, event, channel_id, channel_type, status, attempts, next_attempt_at, context)
           SELECT id, $2, $3, $4, $5, $6, channel_id, channel_type, 'pending', 0, now(), jsonb_set($7::jsonb, '{notificationId}', to_jsonb(id::text))
             FROM unnest($1::uuid[], $8::text[], $9::text[]) AS c(id, channel_id, channel_type)`,
          [ids, def.tenant, def.id, evaluation.id, w.group, facts.event, JSON.stringify(context), def.channels.map((c) => c.id), def.channels.map((c) => c.type)],
        );
        queued += ids.length;
      } else if (facts.event === 'firing' || w.alert.channels.length > 0) {
        await q.query(
          `INSERT INTO notifications (id, tenant, alert_id, evaluation_id, group_key, event, status, reason, context)
           VALUES ($1, $2, $3, $4, $5, $6, 'suppressed', $7, $8)`,
          [randomUUID(), def.tenant, def.id, evaluation.id, w.group, facts.event, reason, JSON.stringify(context)],
        );
      }
    }
    return queued;
  }

  /** When the alert last notified (any group), with its row locked for this transaction. */
  private async runtime(q: QueryRunner, def: AlertDefinition): Promise<number | null> {
    await q.query('INSERT INTO alert_runtime (alert_id, tenant) VALUES ($1, $2) ON CONFLICT DO NOTHING', [def.id, def.tenant]);
    const [row] = await q.query('SELECT extract(epoch FROM last_notified_at) * 1000 AS at FROM alert_runtime WHERE alert_id = $1 FOR UPDATE', [def.id]);
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  /** Alerts with windows that ended at or before `until` (epoch ms). */
  async alertsWithDueWindows(until: number, limit = 500): Promise<Array<{ alertId: string; tenant: string }>> {
    const rows: Array<{ alert_id: string; tenant: string }> = await this.db.query(
      'SELECT DISTINCT alert_id, tenant FROM window_state WHERE window_end IS NOT NULL AND window_end <= $1 LIMIT $2',
      [until, limit],
    );
    return rows.map((r) => ({ alertId: r.alert_id, tenant: r.tenant }));
  }

  /**
   * Close one alert's windows that ended at or before `until`. Skips the alert (returns false)
   * when another transaction holds it: it will be closed on the next tick. `alert` undefined
   * means the alert no longer exists: its state is dropped.
   */
  async closeAlertWindows(alertId: string, alert: CompiledAlert | undefined, until: number, now = Date.now()): Promise<boolean> {
    let queued = 0;
    const done = await this.transaction(async (q) => {
      const [{ locked }] = await q.query('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [LOCK_CLASS, alertLockKey(alertId)]);
      if (!locked) return false;
      if (alert?.threshold) return true;
      if (!alert || !alert.window || !alert.def.enabled) {
        await q.query('DELETE FROM window_state WHERE alert_id = $1', [alertId]);
        return true;
      }
      const rows: StateRow[] = await q.query('SELECT * FROM window_state WHERE alert_id = $1 AND window_end IS NOT NULL AND window_end <= $2', [alertId, until]);
      const working: Working[] = [];
      for (const row of rows) {
        const w = this.working(alert.def, row.group_key, row, until);
        const r = closeWindows(alert.window, w.state, until);
        w.state = r.state;
        queued += await this.record(q, w, r.transitions, now);
        // Idle presence groups that never fired need no row; the bounded group count stays honest.
        if (w.state.windowStart === null && !w.state.firing && alert.def.kind === 'presence') w.remove = true;
        working.push(w);
      }
      await this.saveRows(q, working);
      return true;
    });
    if (queued > 0) this.onQueued();
    return done;
  }

  /** Absence alerts without groups count from their activation: make sure their state exists. */
  async ensureAbsenceStates(alerts: CompiledAlert[], now = Date.now()): Promise<void> {
    const due = alerts.filter((a) => a.def.kind === 'absence' && a.def.enabled && !a.def.groupBy);
    if (due.length === 0) return;
    await this.db.query(
      `INSERT INTO window_state (alert_id, group_key, tenant, alert_version, window_start, window_end)
       SELECT alert_id, '', tenant, version, $4::bigint, $4::bigint + window_ms
         FROM unnest($1::uuid[], $2::text[], $3::int[], $5::bigint[]) AS a(alert_id, tenant, version, window_ms)
       ON CONFLICT (alert_id, group_key) DO NOTHING`,
      [due.map((a) => a.def.id), due.map((a) => a.def.tenant), due.map((a) => a.def.version), now, due.map((a) => a.def.windowSeconds * 1000)],
    );
  }

  /** Drop the state of alerts that no longer exist or no longer evaluate (the feed is the truth). */
  async dropStateExcept(liveAlertIds: string[]): Promise<number> {
    // Only state nobody touched lately: a replica whose copy is a moment behind must not drop a new alert's state.
    const result = await this.db.query(
      `DELETE FROM window_state WHERE NOT (alert_id = ANY($1::uuid[])) AND updated_at < now() - interval '2 minutes' RETURNING alert_id`,
      [liveAlertIds],
    );
    return rowsOf(result).length;
  }

  // ---- scheduled (threshold) alerts ----

  /** Keep one schedule row per enabled threshold alert of a tenant. */
  async syncSchedules(tenant: string, alerts: CompiledAlert[]): Promise<void> {
    const due = alerts.filter((a) => a.threshold && a.def.enabled);
    await this.transaction(async (q) => {
      if (due.length > 0) {
        await q.query(
          `INSERT INTO schedules (alert_id, tenant, every_ms, next_run_at)
           SELECT alert_id, $2, every_ms, now() FROM unnest($1::uuid[], $3::int[]) AS a(alert_id, every_ms)
           ON CONFLICT (alert_id) DO UPDATE SET every_ms = EXCLUDED.every_ms,
             next_run_at = LEAST(schedules.next_run_at, now() + EXCLUDED.every_ms * interval '1 millisecond')`,
          [due.map((a) => a.def.id), tenant, due.map((a) => a.def.everySeconds * 1000)],
        );
      }
      await q.query('DELETE FROM schedules WHERE tenant = $1 AND NOT (alert_id = ANY($2::uuid[]))', [tenant, due.map((a) => a.def.id)]);
    });
  }

  /** Claim due schedules: each is leased to this replica, none to two. */
  async claimSchedules(limit: number, leaseMs: number): Promise<Array<{ alertId: string; tenant: string; everyMs: number }>> {
    const rows: Array<{ alert_id: string; tenant: string; every_ms: number }> = await this.db.query(
      `UPDATE schedules SET lease_until = now() + $2 * interval '1 millisecond'
        WHERE alert_id IN (SELECT alert_id FROM schedules
                            WHERE next_run_at <= now() AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY next_run_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING alert_id, tenant, every_ms`,
      [limit, leaseMs],
    ).then((r: unknown) => rowsOf<{ alert_id: string; tenant: string; every_ms: number }>(r));
    return rows.map((r) => ({ alertId: r.alert_id, tenant: r.tenant, everyMs: r.every_ms }));
  }

  async deleteSchedule(alertId: string): Promise<void> {
    await this.db.query('DELETE FROM schedules WHERE alert_id = $1', [alertId]);
  }

  /** A failed evaluation is tried again soon, not at the next full period. */
  async retrySchedule(alertId: string, delayMs: number): Promise<void> {
    await this.db.query(`UPDATE schedules SET lease_until = NULL, next_run_at = now() + $2 * interval '1 millisecond' WHERE alert_id = $1`, [alertId, delayMs]);
  }

  /**
   * Store a threshold evaluation: per group, fire when it breaches and did not, resolve when it
   * no longer does; then schedule the next run. One transaction under the alert's lock.
   */
  async applyThreshold(alert: CompiledAlert, measured: Map<string, number | null>, windowStart: number, windowEnd: number, now = Date.now()): Promise<void> {
    const rule = alert.threshold!;
    const def = alert.def;
    let queued = 0;
    await this.transaction(async (q) => {
      await this.lock(q, [def.id]);
      const rows: StateRow[] = await q.query('SELECT * FROM window_state WHERE alert_id = $1', [def.id]);
      const byGroup = new Map(rows.map((r) => [r.group_key, r]));
      const groups = new Set([...measured.keys(), ...byGroup.keys()]);
      const working: Working[] = [];
      for (const group of groups) {
        const row = byGroup.get(group);
        const w = this.working(def, group, row, windowEnd);
        const value = measured.has(group) ? measured.get(group)! : missingValue(rule);
        const breach = breaches(rule, value);
        const facts = { group, value, count: undefined, windowStart, windowEnd, at: windowEnd, samples: [] as Sample[] };
        const changes: TransitionFacts[] = [];
        if (breach && !w.state.firing) changes.push({ ...facts, event: 'firing' });
        if (!breach && w.state.firing) changes.push({ ...facts, event: 'resolved' });
        // No window to close: a threshold state only remembers whether it fires (and the value).
        w.state = { windowStart: null, windowEnd: null, count: 0, firing: breach, samples: [] };
        w.lastValue = value;
        queued += await this.record(q, w, changes, now);
        // Keep only the groups that fire (to resolve them later); the others need no memory.
        if (!breach) w.remove = true;
        working.push(w);
      }
      await this.saveRows(q, working);
      await q.query(
        `UPDATE schedules SET lease_until = NULL,
           next_run_at = CASE WHEN next_run_at + every_ms * interval '1 millisecond' < now() THEN now() + every_ms * interval '1 millisecond'
                              ELSE next_run_at + every_ms * interval '1 millisecond' END
         WHERE alert_id = $1`,
        [def.id],
      );
    });
    if (queued > 0) this.onQueued();
  }

  // ---- history ----

  async history(tenant: string, alertId: string, limit: number): Promise<AlertHistory> {
    const [evaluations, notifications, states] = await Promise.all([
      this.db.query(
        `SELECT id, group_key, outcome, count, value, threshold, window_start, window_end, at, samples
           FROM evaluations WHERE tenant = $1 AND alert_id = $2 ORDER BY at DESC, id DESC LIMIT $3`,
        [tenant, alertId, limit],
      ),
      this.db.query(
        `SELECT id, evaluation_id, group_key, event, channel_id, channel_type, status, reason, attempts, next_attempt_at,
                last_error, response, created_at, sent_at
           FROM notifications WHERE tenant = $1 AND alert_id = $2 ORDER BY created_at DESC, id LIMIT $3`,
        [tenant, alertId, limit],
      ),
      this.db.query(
        `SELECT group_key, firing, count, window_start, window_end, last_value, updated_at
           FROM window_state WHERE tenant = $1 AND alert_id = $2 ORDER BY group_key LIMIT 1000`,
        [tenant, alertId],
      ),
    ]);
    const ms = (v: string | null) => (v === null ? null : Number(v));
    return {
      state: states.map((s: Record<string, never>) => ({
        group: s.group_key, firing: s.firing, count: Number(s.count), value: s.last_value,
        windowStart: ms(s.window_start), windowEnd: ms(s.window_end), updatedAt: s.updated_at,
      })),
      evaluations: evaluations.map((e: Record<string, never>) => ({
        id: String(e.id), group: e.group_key, outcome: e.outcome, count: e.count === null ? null : Number(e.count), value: e.value,
        threshold: e.threshold, windowStart: ms(e.window_start), windowEnd: ms(e.window_end), at: e.at, samples: e.samples,
      })),
      notifications: notifications.map((n: Record<string, never>) => ({
        id: n.id, evaluationId: n.evaluation_id === null ? null : String(n.evaluation_id), group: n.group_key, event: n.event,
        channel: n.channel_id ? { id: n.channel_id, type: n.channel_type } : null, status: n.status, reason: n.reason,
        attempts: n.attempts, nextAttemptAt: n.status === 'pending' ? n.next_attempt_at : null, lastError: n.last_error,
        response: n.response, createdAt: n.created_at, sentAt: n.sent_at,
      })),
    };
  }

  /** Forget what is older than the history period, and batch ids older than the stream keeps. */
  async prune(historyDays: number, batchHours: number): Promise<void> {
    await this.db.query(`DELETE FROM processed_batches WHERE processed_at < now() - $1 * interval '1 hour'`, [batchHours]);
    await this.db.query(`DELETE FROM notifications WHERE created_at < now() - $1 * interval '1 day' AND status <> 'pending'`, [historyDays]);
    await this.db.query(`DELETE FROM evaluations WHERE at < now() - $1 * interval '1 day'
                           AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.evaluation_id = evaluations.id AND n.status = 'pending')`, [historyDays]);
  }
}

export interface AlertHistory {
  state: unknown[];
  evaluations: unknown[];
  notifications: unknown[];
}
