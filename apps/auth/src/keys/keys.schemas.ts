import { z } from 'zod';
import { KEY_PREFIXES, SCOPES } from '@millrace/auth-token';
import { named, timestampSchema, uuidSchema, nonBlank } from '@millrace/service-kit';

export const MAX_GRACE_SECONDS = 7 * 86400;

export const createKeyBodySchema = named('CreateKeyRequest', z.object({
  name: nonBlank(100),
  kind: z.enum(['ingest', 'service']).describe('ingest: write only (logs:write); service: the scopes given (default logs:read)'),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional(),
}).strict(), { example: { name: 'ci-reader', kind: 'service', scopes: ['logs:read'] } });

export const rotateKeyBodySchema = named('RotateKeyRequest', z.object({
  graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional()
    .describe('how long the previous secret keeps working (default KEY_ROTATION_GRACE_SECONDS, 24 h)'),
}).strict());

export const keyIdParamsSchema = z.object({ id: uuidSchema.transform((id) => id.toLowerCase()) }).strict();

export const keyViewSchema = named('Key', z.object({
  id: z.string().uuid(),
  name: z.string(),
  kind: z.enum(['ingest', 'service']),
  scopes: z.array(z.enum(SCOPES)),
  prefix: z.string().describe('the first characters of the secret, to recognise it'),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  rotatedAt: timestampSchema.nullable(),
  previousSecretValidUntil: timestampSchema.nullable().describe('after a rotation: until when the previous secret still works'),
}));
export type KeyView = z.infer<typeof keyViewSchema>;

export const createdKeySchema = named('CreatedKey', keyViewSchema.extend({
  secret: z.string().describe(`the key itself (${KEY_PREFIXES.ingest}… or ${KEY_PREFIXES.service}…): shown only in this answer`),
}));
export type CreatedKey = z.infer<typeof createdKeySchema>;

export const keyListSchema = named('KeyList', z.object({ keys: z.array(keyViewSchema) }));
