import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An exclusion or sampling rule the broker-router applies to a tenant's lines before parsing. */
@Entity({ name: 'routing_rules' })
export class RoutingRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  name!: string;

  /** `exclude` or `sample`. */
  @Column({ type: 'text' })
  kind!: 'exclude' | 'sample';

  @Column({ type: 'text' })
  query!: string;

  /** Exclusion rules: `drop` (gone entirely) or `noIndex` (tail, alerts and drains still see it). */
  @Column({ type: 'text', nullable: true })
  action!: 'drop' | 'noIndex' | null;

  /** Sampling rules: keep one in `rate`. */
  @Column({ type: 'integer', nullable: true })
  rate!: number | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
