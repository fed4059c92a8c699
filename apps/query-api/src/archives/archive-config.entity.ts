import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ArchiveDestination } from '@millrace/archive-contract';

/**
 * A tenant's archive destination (one per tenant). Credentials are kept only sealed
 * (@millrace/sealing with SEALING_KEY, the tenant as associated data) and never returned.
 */
@Entity({ name: 'archive_configs' })
export class ArchiveConfigEntity {
  @PrimaryColumn({ type: 'text' })
  tenant!: string;

  /** Bumped on every change; the archiver keys its stores by it. */
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** The destination without any secret. */
  @Column({ type: 'jsonb' })
  destination!: ArchiveDestination;

  @Column({ name: 'sealed_secret', type: 'text', nullable: true })
  sealedSecret!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
