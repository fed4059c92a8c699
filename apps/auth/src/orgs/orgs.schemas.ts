import { z } from 'zod';
import { RETENTION_CLASS_IDS, ROLES, SCOPES } from '@millrace/auth-token';
import { named, timestampSchema, nonBlank } from '@millrace/service-kit';

export const updateSettingsBodySchema = named('UpdateOrgSettingsRequest', z.object({
  name: nonBlank(200).optional(),
  retentionClass: z.enum(RETENTION_CLASS_IDS).optional().describe('how long events stay searchable: r3 = 3 days … r365 = a year'),
  dailyQuotaBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('bytes per UTC day; 0 = unlimited'),
  ingestRateLimit: z.number().int().min(0).max(100_000_000).optional().describe('lines per second; 0 = unlimited'),
}).strict().refine((v) => Object.keys(v).length > 0, 'give at least one setting to change'), {
  example: { retentionClass: 'r90', dailyQuotaBytes: 10737418240, ingestRateLimit: 5000 },
});

export const orgSettingsSchema = named('OrgSettings', z.object({
  retentionClass: z.enum(RETENTION_CLASS_IDS),
  dailyQuotaBytes: z.number().int().describe('bytes per UTC day; 0 = unlimited'),
  ingestRateLimit: z.number().int().describe('lines per second; 0 = unlimited'),
}));

export const orgViewSchema = named('Organisation', z.object({
  id: z.string(),
  name: z.string(),
  createdAt: timestampSchema,
  settings: orgSettingsSchema,
}));

export const principalSchema = named('Principal', z.object({
  tenant: z.string().describe('the organisation id'),
  kind: z.enum(['ingest', 'service', 'user']),
  scopes: z.array(z.enum(SCOPES)),
  role: z.enum(ROLES).optional(),
  keyId: z.string().optional(),
  userId: z.string().optional(),
  sessionId: z.string().optional(),
}));
