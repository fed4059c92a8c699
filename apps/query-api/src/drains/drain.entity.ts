import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SEAL_CONTEXT, sealedText } from '../database/sealed-columns';

/** A Logplex-style drain: where the broker-router pushes a tenant's lines. */
@Entity({ name: 'drains' })
export class DrainEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The full target URL, credentials included: sealed in PostgreSQL, never returned by the API in full. */
  @Column({ type: 'text', transformer: sealedText(SEAL_CONTEXT.drainUrl) })
  url!: string;

  /** HTTP drains: `logplex` (application/logplex-1) or `json`; null for syslog drains. */
  @Column({ type: 'text', nullable: true })
  format!: 'logplex' | 'json' | null;

  /** Only lines matching this query are drained ('' = every line). */
  @Column({ type: 'text', default: '' })
  query!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
