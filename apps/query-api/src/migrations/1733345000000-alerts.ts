import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerts1733345000000 implements MigrationInterface {
  name = 'Alerts1733345000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE alerts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('presence', 'absence', 'threshold')),
      query text NOT NULL DEFAULT '',
      settings jsonb NOT NULL DEFAULT '{}',
      channels jsonb NOT NULL DEFAULT '[]',
      enabled boolean NOT NULL DEFAULT true,
      muted_until timestamptz,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant, name)
    )`);
    await q.query('CREATE INDEX alerts_tenant ON alerts (tenant, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alerts');
  }
}
