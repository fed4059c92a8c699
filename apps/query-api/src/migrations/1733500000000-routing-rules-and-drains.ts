import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Routing rules (exclusion, sampling) and drains, handed to the broker-router over the config feed. */
export class RoutingRulesAndDrains1733500000000 implements MigrationInterface {
  name = 'RoutingRulesAndDrains1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE routing_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('exclude', 'sample')),
      query text NOT NULL DEFAULT '',
      action text CHECK (action IN ('drop', 'noIndex')),
      rate integer CHECK (rate >= 2),
      enabled boolean NOT NULL DEFAULT true,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant, name)
    )`);
    await q.query(`CREATE TABLE drains (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant text NOT NULL,
      name text NOT NULL,
      url text NOT NULL,
      format text CHECK (format IN ('logplex', 'json')),
      query text NOT NULL DEFAULT '',
      enabled boolean NOT NULL DEFAULT true,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant, name)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE drains');
    await q.query('DROP TABLE routing_rules');
  }
}
