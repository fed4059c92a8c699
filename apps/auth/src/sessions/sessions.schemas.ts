import { z } from 'zod';
import { ROLES } from '@millrace/auth-token';
import { named, timestampSchema } from '@millrace/service-kit';

export const logInBodySchema = named('LogInRequest', z.object({
  email: z.string().trim().max(254),
  password: z.string().min(1).max(1024),
  org: z.string().max(63).optional().describe('the organisation id; needed only when the user belongs to several'),
}).strict(), { example: { email: 'ada@example.com', password: 'correct horse battery staple', org: 'acme' } });

export const refreshBodySchema = named('RefreshRequest', z.object({ refreshToken: z.string().min(1).max(200) }).strict(), {
  example: { refreshToken: 'mlr_rt_…' },
});

export const sessionTokensSchema = named('SessionTokens', z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string().describe('send as `Authorization: Bearer …` to the query API and auth'),
  expiresIn: z.number().int().describe('seconds the access token lives (900)'),
  refreshToken: z.string().describe('works once, for POST /v1/sessions/refresh'),
  refreshExpiresAt: timestampSchema,
  org: z.string(),
  role: z.enum(ROLES),
  user: z.object({ id: z.string(), email: z.string() }),
}), {
  example: {
    tokenType: 'Bearer', accessToken: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ij…', expiresIn: 900, refreshToken: 'mlr_rt_…',
    refreshExpiresAt: '2026-02-04T09:30:00.000Z', org: 'acme', role: 'owner', user: { id: '7d0c2e3a-5b7f-4c8e-9f1a-2b3c4d5e6f70', email: 'ada@example.com' },
  },
});

export const switchBodySchema = named('SwitchOrganisationRequest', z.object({
  org: z.string().min(1).max(63).describe('the id of another organisation the user belongs to'),
}).strict(), { example: { org: 'acme' } });

export const userOrganisationsSchema = named('UserOrganisations', z.array(z.object({
  org: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
})), { example: [{ org: 'acme', name: 'Acme', role: 'owner' }, { org: 'acme-eu', name: 'Acme EU', role: 'viewer' }] });

export const jwksSchema = named('JsonWebKeySet', z.object({
  keys: z.array(z.object({
    kty: z.string(), kid: z.string(), alg: z.string(), use: z.literal('sig'), crv: z.string().optional(), x: z.string().optional(),
  }).passthrough()),
}));
