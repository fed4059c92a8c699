import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type FieldType = 'number' | 'boolean' | 'ip' | 'date' | 'string';

/** A tenant's own parsing rule: which lines (app glob, query) and what to extract (regex or grok). */
@Entity({ name: 'parsing_rules' })
export class ParsingRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  app!: string | null;

  @Column({ type: 'text', nullable: true })
  query!: string | null;

  @Column({ name: 'pattern_kind', type: 'text' })
  patternKind!: 'regex' | 'grok';

  @Column({ type: 'text' })
  pattern!: string;

  @Column({ name: 'ignore_case', type: 'boolean', default: false })
  ignoreCase!: boolean;

  @Column({ name: 'field_types', type: 'jsonb', default: () => `'{}'::jsonb` })
  fieldTypes!: Record<string, FieldType>;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Why a worker disabled the rule (it overran its time budget), until the rule is saved again. */
  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A tenant's redaction settings; absent means the defaults (e-mail and card numbers). */
@Entity({ name: 'redaction_settings' })
export class RedactionSettingsEntity {
  @PrimaryColumn({ type: 'text' })
  tenant!: string;

  @Column({ type: 'boolean' })
  email!: boolean;

  @Column({ name: 'credit_card', type: 'boolean' })
  creditCard!: boolean;

  @Column({ type: 'boolean' })
  ipv4!: boolean;

  @Column({ type: 'boolean' })
  ipv6!: boolean;

  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` })
  custom!: Array<{ name: string; pattern: string; ignoreCase?: boolean }>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
