import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ParsingRules1733200000000 implements MigrationInterface {
  name = 'ParsingRules1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE parsing_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant text NOT NULL,
      name text NOT NULL,
      app text,
      query text,
      pattern_kind text NOT NULL CHECK (pattern_kind IN ('regex', 'grok')),
      pattern text NOT NULL,
      ignore_case boolean NOT NULL DEFAULT false,
      field_types jsonb NOT NULL DEFAULT '{}'::jsonb,
      position integer NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant, name)
    )`);
    await q.query('CREATE INDEX parsing_rules_tenant ON parsing_rules (tenant, position)');
    await q.query(`CREATE TABLE redaction_settings (
      tenant text PRIMARY KEY,
      email boolean NOT NULL,
      credit_card boolean NOT NULL,
      ipv4 boolean NOT NULL,
      ipv6 boolean NOT NULL,
      custom jsonb NOT NULL DEFAULT '[]'::jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE redaction_settings');
    await q.query('DROP TABLE parsing_rules');
  }
}
