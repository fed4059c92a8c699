import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { KeyKind, Scope } from '@millrace/auth-token';

/** A key is stored only as its SHA-256 hash; `prefix` is what lists show. */
@Entity({ name: 'api_keys' })
@Index(['orgId'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: KeyKind;

  @Column({ type: 'text', array: true })
  scopes!: Scope[];

  @Index({ unique: true })
  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'text' })
  prefix!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  /** Set on revocation, or in the future during a rotation's grace period. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
