import { z } from 'zod';
import { REHYDRATION_STATES } from '@millrace/archive-contract';
import { REHYDRATION_JOB_ID_PATTERN } from '@millrace/search-index';
import { named } from '@millrace/service-kit';
import { timeBoundSchema } from '../search/params.schemas';

// TODO(contracts): the archiver's reply shapes move to libs/contracts as zod schemas; name those here instead.
export const rehydrationSchema = named('RehydrationRequest', z.object({
  from: z.union([timeBoundSchema, z.number().int().min(0)]),
  to: z.union([timeBoundSchema, z.number().int().min(0)]),
  query: z.string().max(8192).default(''),
}).strict(), { example: { from: '2026-01-05T00:00:00Z', to: '2026-01-05T06:00:00Z', query: 'app:checkout level:error' } });

export const jobIdParamsSchema = z.object({
  id: z.string().regex(new RegExp(REHYDRATION_JOB_ID_PATTERN.source, 'i'), 'is not a rehydration job id').transform((id) => id.toLowerCase()),
}).strict();

const count = z.number();
export const rehydrationJobSchema = named('RehydrationJob', z.object({
  id: z.string(),
  tenant: z.string(),
  state: z.enum(REHYDRATION_STATES),
  from: z.string(),
  to: z.string(),
  query: z.string(),
  index: z.string().describe('search it with GET /v1/search?rehydrated=<id>'),
  progress: z.object({
    hoursTotal: count, hoursDone: count, objectsListed: count, objectsRead: count, objectsSkipped: count, objectsWithoutManifest: count,
    bytesRead: count, linesRead: count, linesMatched: count, linesIndexed: count, linesRejected: count, listRequests: count, getRequests: count,
    truncated: z.boolean(),
  }),
  problems: z.array(z.object({ object: z.string(), reason: z.string() })),
  error: z.string().optional(),
  requestedBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  expiresAt: z.string().optional(),
}));

export const destinationStatusSchema = named('ArchiveDestinationStatus', z.object({
  tenant: z.string(),
  configured: z.boolean(),
  state: z.enum(['ok', 'failing', 'unknown']),
  since: z.string().optional(),
  lastError: z.string().optional(),
  lastUploadAt: z.string().optional(),
}));

export const archiveViewSchema = named('Archive', z.object({
  tenant: z.string(),
  enabled: z.boolean(),
  version: z.number().int(),
  destination: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('s3'), endpoint: z.string().optional(), region: z.string(), bucket: z.string(), prefix: z.string(), forcePathStyle: z.boolean(),
      serverSideEncryption: z.enum(['AES256', 'aws:kms']).optional(), kmsKeyId: z.string().optional(), accessKeyId: z.string(),
      hasSecret: z.boolean().optional().describe('a secret access key is stored (it is never returned)'),
    }),
    z.object({ type: z.literal('filesystem'), path: z.string(), prefix: z.string(), hasSecret: z.boolean().optional() }),
  ]),
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}));

export const rehydrationListSchema = named('RehydrationJobList', z.object({ jobs: z.array(rehydrationJobSchema) }));
