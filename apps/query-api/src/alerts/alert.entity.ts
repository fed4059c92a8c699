import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { StoredChannel } from './alert-schema';
import { SEAL_CONTEXT, sealedJson } from '../database/sealed-columns';

/**
 * An alert of an organisation. `settings` holds the kind's parameters and the noise control,
 * `channels` the destinations including their secrets (never returned by the API).
 */
@Entity({ name: 'alerts' })
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: 'presence' | 'absence' | 'threshold';

  @Column({ type: 'text' })
  query!: string;

  @Column({ type: 'jsonb' })
  settings!: Record<string, unknown>;

  /** Sealed in PostgreSQL (`{"sealed": …}`), clear in memory. */
  @Column({ type: 'jsonb', transformer: sealedJson(SEAL_CONTEXT.alertChannels) })
  channels!: StoredChannel[];

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'muted_until', type: 'timestamptz', nullable: true })
  mutedUntil!: Date | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
