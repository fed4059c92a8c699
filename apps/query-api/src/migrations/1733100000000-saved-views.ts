import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SavedViews1733100000000 implements MigrationInterface {
  name = 'SavedViews1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE saved_views (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant text NOT NULL,
      name text NOT NULL,
      query text NOT NULL DEFAULT '',
      time_from text NOT NULL DEFAULT '-1h',
      time_to text,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant, name)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE saved_views');
  }
}
