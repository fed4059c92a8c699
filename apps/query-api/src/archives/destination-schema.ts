import path from 'node:path';
import { z } from 'zod';
import { named, nonBlank } from '@millrace/service-kit';
import type { ArchiveDestination } from '@millrace/archive-contract';

/** Key prefixes and folder paths: plain segments, no `..`, no leading slash, no empty segments. */
const SAFE_PATH = /^[A-Za-z0-9._=-]+(\/[A-Za-z0-9._=-]+)*$/;

function relativePath(what: string, max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .transform((v) => v.replace(/^\/+|\/+$/g, ''))
    .refine((v) => v === '' || SAFE_PATH.test(v), `${what} may hold letters, digits and . _ = - in segments separated by /`)
    .refine((v) => !v.split('/').some((s) => s === '..' || s === '.'), `${what} must not contain . or .. segments`)
    .refine((v) => !v.split('/').some((s) => s.startsWith('tenant=')), `${what} must not contain a tenant= segment (the layout adds it)`);
}

const s3Input = z.object({
  type: z.literal('s3'),
  endpoint: z.string().trim().url().max(512).optional(),
  region: z.string().trim().regex(/^[a-z0-9-]{1,32}$/, 'is not a region name').default('us-east-1'),
  bucket: z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'is not a valid bucket name'),
  prefix: relativePath('prefix', 256).default(''),
  forcePathStyle: z.boolean().default(false),
  serverSideEncryption: z.enum(['AES256', 'aws:kms']).optional(),
  kmsKeyId: nonBlank(2048).optional(),
  accessKeyId: z.string().trim().regex(/^[\x21-\x7e]{1,128}$/, 'is not an access key id'),
  /** Write-only: sealed at once, never returned. Optional on update (the stored one is kept). */
  secretAccessKey: z.string().min(1).max(256).optional(),
}).strict();

const filesystemInput = z.object({
  type: z.literal('filesystem'),
  path: z.string().trim().refine((v) => !v.startsWith('/'), 'path must be relative to the archive root')
    .pipe(relativePath('path', 256).refine((v) => v !== '', 'path is required (a folder inside the archive root)')),
  prefix: relativePath('prefix', 256).default(''),
}).strict();

export const archiveInputSchema = named('ArchiveRequest', z.object({
  enabled: z.boolean().default(true),
  destination: z.discriminatedUnion('type', [s3Input, filesystemInput]),
}).strict().superRefine((value, ctx) => {
  const d = value.destination;
  if (d.type === 's3' && d.kmsKeyId && d.serverSideEncryption !== 'aws:kms') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['destination', 'kmsKeyId'], message: 'only goes with serverSideEncryption aws:kms' });
  }
  if (d.type === 's3' && d.endpoint) {
    const url = new URL(d.endpoint);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['destination', 'endpoint'], message: 'must be an http(s) URL' });
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['destination', 'endpoint'], message: 'must be scheme://host[:port] only (no credentials, path or query)' });
    }
  }
}));
export type ArchiveInput = z.infer<typeof archiveInputSchema>;

/** A filesystem path resolved inside the root, or undefined when it would leave it. */
export function insideRoot(root: string, relative: string): string | undefined {
  const base = path.resolve(root);
  const resolved = path.resolve(base, relative);
  return resolved === base || resolved.startsWith(base + path.sep) ? resolved : undefined;
}

/** The stored (secret-free) form of a destination. */
export function storedDestination(input: ArchiveInput['destination']): ArchiveDestination {
  if (input.type === 'filesystem') return { type: 'filesystem', path: input.path, prefix: input.prefix };
  return {
    type: 's3',
    ...(input.endpoint ? { endpoint: input.endpoint.replace(/\/+$/, '') } : {}),
    region: input.region,
    bucket: input.bucket,
    prefix: input.prefix,
    forcePathStyle: input.forcePathStyle,
    ...(input.serverSideEncryption ? { serverSideEncryption: input.serverSideEncryption } : {}),
    ...(input.kmsKeyId ? { kmsKeyId: input.kmsKeyId } : {}),
    accessKeyId: input.accessKeyId,
  };
}
