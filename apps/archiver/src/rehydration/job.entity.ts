import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RehydrationProblem, RehydrationProgress, RehydrationState } from '@millrace/archive-contract';

/**
 * A rehydration job. The table is the job queue: replicas claim queued jobs (and jobs whose
 * worker stopped renewing its lease) with `FOR UPDATE SKIP LOCKED`, so jobs survive restarts.
 */
@Entity({ name: 'rehydration_jobs' })
export class RehydrationJob {
  /** A lower-case ULID (valid in index names). */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  state!: RehydrationState;

  @Column({ name: 'range_from', type: 'timestamptz' })
  rangeFrom!: Date;

  @Column({ name: 'range_to', type: 'timestamptz' })
  rangeTo!: Date;

  @Column({ type: 'text' })
  query!: string;

  @Column({ name: 'index_name', type: 'text' })
  indexName!: string;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ type: 'jsonb' })
  progress!: RehydrationProgress;

  @Column({ type: 'jsonb' })
  problems!: RehydrationProblem[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Key of the last object fully processed: a job taken over resumes after it. */
  @Column({ type: 'text', nullable: true })
  checkpoint!: string | null;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'index_deleted_at', type: 'timestamptz', nullable: true })
  indexDeletedAt!: Date | null;
}
