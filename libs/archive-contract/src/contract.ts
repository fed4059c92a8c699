/**
 * The archive contract between the query-api (which owns the archive configuration and the REST
 * API) and the archiver (which writes the archives and rehydrates them).
 */

export type ServerSideEncryption = 'AES256' | 'aws:kms';

/** Any S3-compatible store, through the AWS SDK for JavaScript v3. */
export interface S3Destination {
  type: 's3';
  /** Custom endpoint (MinIO, Ceph, R2, versitygw…); absent for AWS S3 itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix of every object of this destination ('' for the bucket's root). */
  prefix: string;
  forcePathStyle: boolean;
  serverSideEncryption?: ServerSideEncryption;
  /** With `aws:kms`: the key to use (default: the bucket's). */
  kmsKeyId?: string;
  accessKeyId: string;
}

/** A folder on the archiver's machine, always inside its ARCHIVE_FS_ROOT. */
export interface FilesystemDestination {
  type: 'filesystem';
  /** Relative to ARCHIVE_FS_ROOT. */
  path: string;
  prefix: string;
}

export type ArchiveDestination = S3Destination | FilesystemDestination;

/** What the archiver needs to reach a destination, sealed by `@millrace/sealing` (never in clear on NATS). */
export interface DestinationSecret {
  secretAccessKey: string;
}

/**
 * An item of configuration kind `archives` (`config.archives.get`): one per tenant that has an
 * archive. `sealedSecret` is the AES-256-GCM sealed DestinationSecret; the archiver opens it
 * with its own SEALING_KEY (context `archive:<tenant>`).
 */
export interface ArchiveConfigItem {
  tenant: string;
  /** Bumped on every change: parts buffered for an older version go where they were meant to. */
  version: number;
  enabled: boolean;
  destination: ArchiveDestination;
  sealedSecret?: string;
  updatedAt: string;
}

/** Request-reply subjects served by the archiver (queue group `archiver`). */
export const ARCHIVE_SUBJECTS = {
  createRehydration: 'archive.rehydrations.create',
  getRehydration: 'archive.rehydrations.get',
  listRehydrations: 'archive.rehydrations.list',
  cancelRehydration: 'archive.rehydrations.cancel',
  destinationStatus: 'archive.destinations.status',
} as const;

export const REHYDRATION_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired', 'deleted'] as const;
export type RehydrationState = (typeof REHYDRATION_STATES)[number];

/** Progress and cost of a rehydration job, as it runs. */
export interface RehydrationProgress {
  hoursTotal: number;
  hoursDone: number;
  objectsListed: number;
  objectsRead: number;
  objectsSkipped: number;
  objectsWithoutManifest: number;
  /** Compressed bytes downloaded. */
  bytesRead: number;
  linesRead: number;
  linesMatched: number;
  linesIndexed: number;
  linesRejected: number;
  /** Requests made to the store: what the job costs there. */
  listRequests: number;
  getRequests: number;
  /** Set when the job stopped at the line limit. */
  truncated: boolean;
}

export interface RehydrationProblem {
  object: string;
  reason: string;
}

export interface RehydrationJobView {
  id: string;
  tenant: string;
  state: RehydrationState;
  from: string;
  to: string;
  query: string;
  /** Search it with `GET /v1/search?rehydrated=<id>`. */
  index: string;
  progress: RehydrationProgress;
  problems: RehydrationProblem[];
  error?: string;
  requestedBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  expiresAt?: string;
}

export interface CreateRehydrationRequest {
  tenant: string;
  from: number;
  to: number;
  query: string;
  requestedBy: string;
}

export interface JobRequest {
  tenant: string;
  id: string;
}

export interface TenantRequest {
  tenant: string;
}

export interface DestinationStatusView {
  tenant: string;
  configured: boolean;
  state: 'ok' | 'failing' | 'unknown';
  since?: string;
  lastError?: string;
  lastUploadAt?: string;
}

/** Every reply of the archiver's subjects. */
export type ArchiveReply<T> = { ok: true; value: T } | { ok: false; status: number; message: string };
