import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Window state, schedules, evaluations and the notification outbox of the alerter. */
export class AlerterState1733300000000 implements MigrationInterface {
  name = 'AlerterState1733300000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per (alert, group): the window being counted (epoch ms) and whether it fires.
    await q.query(`CREATE TABLE window_state (
      alert_id uuid NOT NULL,
      group_key text NOT NULL,
      tenant text NOT NULL,
      alert_version integer NOT NULL,
      window_start bigint,
      window_end bigint,
      count bigint NOT NULL DEFAULT 0,
      firing boolean NOT NULL DEFAULT false,
      notified boolean NOT NULL DEFAULT false,
      samples jsonb NOT NULL DEFAULT '[]',
      last_value double precision,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (alert_id, group_key)
    )`);
    await q.query('CREATE INDEX window_state_due ON window_state (window_end) WHERE window_end IS NOT NULL');
    await q.query('CREATE INDEX window_state_tenant ON window_state (tenant, alert_id)');
    // EVENTS batches already counted: a redelivery after a crash is not counted twice.
    await q.query(`CREATE TABLE processed_batches (
      batch_key text PRIMARY KEY,
      processed_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX processed_batches_age ON processed_batches (processed_at)');
    await q.query(`CREATE TABLE alert_runtime (
      alert_id uuid PRIMARY KEY,
      tenant text NOT NULL,
      last_notified_at timestamptz
    )`);
    await q.query(`CREATE TABLE schedules (
      alert_id uuid PRIMARY KEY,
      tenant text NOT NULL,
      every_ms integer NOT NULL,
      next_run_at timestamptz NOT NULL,
      lease_until timestamptz
    )`);
    await q.query('CREATE INDEX schedules_due ON schedules (next_run_at)');
    await q.query(`CREATE TABLE evaluations (
      id bigserial PRIMARY KEY,
      tenant text NOT NULL,
      alert_id uuid NOT NULL,
      group_key text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('fired', 'resolved')),
      count bigint,
      value double precision,
      threshold double precision,
      window_start bigint,
      window_end bigint,
      at timestamptz NOT NULL,
      samples jsonb NOT NULL DEFAULT '[]'
    )`);
    await q.query('CREATE INDEX evaluations_alert ON evaluations (tenant, alert_id, at DESC)');
    // The outbox: written in the transaction that changes the state, sent by the dispatcher.
    await q.query(`CREATE TABLE notifications (
      id uuid PRIMARY KEY,
      tenant text NOT NULL,
      alert_id uuid NOT NULL,
      evaluation_id bigint REFERENCES evaluations (id) ON DELETE CASCADE,
      group_key text NOT NULL,
      event text NOT NULL CHECK (event IN ('firing', 'resolved')),
      channel_id text,
      channel_type text,
      status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'suppressed', 'cancelled')),
      reason text,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      lease_until timestamptz,
      last_error text,
      response text,
      context jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending'`);
    await q.query('CREATE INDEX notifications_alert ON notifications (tenant, alert_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['notifications', 'evaluations', 'schedules', 'alert_runtime', 'processed_batches', 'window_state']) await q.query(`DROP TABLE ${table}`);
  }
}
