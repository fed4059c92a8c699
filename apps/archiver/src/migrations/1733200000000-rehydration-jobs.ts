import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RehydrationJobs1733200000000 implements MigrationInterface {
  name = 'RehydrationJobs1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE rehydration_jobs (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired', 'deleted')),
      range_from timestamptz NOT NULL,
      range_to timestamptz NOT NULL,
      query text NOT NULL DEFAULT '',
      index_name text NOT NULL,
      requested_by text NOT NULL,
      progress jsonb NOT NULL DEFAULT '{}',
      problems jsonb NOT NULL DEFAULT '[]',
      error text,
      checkpoint text,
      attempts int NOT NULL DEFAULT 0,
      lease_owner text,
      lease_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      expires_at timestamptz,
      index_deleted_at timestamptz,
      CHECK (range_from <= range_to)
    )`);
    await q.query('CREATE INDEX rehydration_jobs_tenant_created ON rehydration_jobs (tenant, created_at DESC)');
    await q.query(`CREATE INDEX rehydration_jobs_active ON rehydration_jobs (created_at) WHERE state IN ('queued', 'running')`);
    await q.query('CREATE INDEX rehydration_jobs_index_alive ON rehydration_jobs (expires_at) WHERE index_deleted_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rehydration_jobs');
  }
}
