import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The broker-router's counters: daily volume per tenant and app, and per-drain delivery status. */
export class UsageAndDrainStats1733400000000 implements MigrationInterface {
  name = 'UsageAndDrainStats1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE usage_daily (
      tenant text NOT NULL,
      day date NOT NULL,
      app text NOT NULL,
      received_lines bigint NOT NULL DEFAULT 0,
      received_bytes bigint NOT NULL DEFAULT 0,
      kept_lines bigint NOT NULL DEFAULT 0,
      kept_bytes bigint NOT NULL DEFAULT 0,
      excluded_lines bigint NOT NULL DEFAULT 0,
      sampled_lines bigint NOT NULL DEFAULT 0,
      no_index_lines bigint NOT NULL DEFAULT 0,
      over_quota_lines bigint NOT NULL DEFAULT 0,
      over_quota_bytes bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, day, app)
    )`);
    await q.query('CREATE INDEX usage_daily_day ON usage_daily (day)');
    await q.query(`CREATE TABLE drain_stats (
      drain_id text PRIMARY KEY,
      tenant text NOT NULL,
      delivered bigint NOT NULL DEFAULT 0,
      failed bigint NOT NULL DEFAULT 0,
      dropped bigint NOT NULL DEFAULT 0,
      last_error text,
      last_error_at timestamptz,
      last_success_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX drain_stats_tenant ON drain_stats (tenant)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE drain_stats');
    await q.query('DROP TABLE usage_daily');
  }
}
