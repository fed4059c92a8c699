import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Archives1733400000000 implements MigrationInterface {
  name = 'Archives1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE archive_configs (
      tenant text PRIMARY KEY,
      version int NOT NULL DEFAULT 1,
      enabled boolean NOT NULL DEFAULT true,
      destination jsonb NOT NULL,
      sealed_secret text,
      created_by text NOT NULL,
      updated_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (destination->>'type' IN ('s3', 'filesystem'))
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE archive_configs');
  }
}
