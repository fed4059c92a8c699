import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, ValidBody, ValidParams } from '@millrace/service-kit';
import { KeysService } from './keys.service';
import { createdKeySchema, createKeyBodySchema, keyIdParamsSchema, keyListSchema, rotateKeyBodySchema, type CreatedKey } from './keys.schemas';

/** Owners and admins (signed in), or service keys holding keys:manage. Ingestion keys never. */
const MANAGE_KEYS: AuthRequirement = { kinds: ['user', 'service'], scopes: ['keys:manage'] };

const CREATED_EXAMPLE = {
  id: '0b7f3d5e-6c1a-4f0e-9a9b-2f7d1c3e4a5b', name: 'ci-reader', kind: 'service', scopes: ['logs:read'], prefix: 'mlr_sk_Q2x9',
  createdAt: '2026-01-05T09:30:00.000Z', lastUsedAt: null, rotatedAt: null, previousSecretValidUntil: null,
  secret: 'mlr_sk_Q2x9…(43 characters)',
};

@ApiTag('keys')
@Auth(MANAGE_KEYS)
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @Endpoint({
    summary: 'Create an ingestion key (write only) or a service key with scopes; the secret is shown only in this answer',
    requestExample: { name: 'ci-reader', kind: 'service', scopes: ['logs:read'] },
    responses: { 201: { description: 'The key, with its secret (shown once)', schema: createdKeySchema, example: CREATED_EXAMPLE } },
  })
  create(@CurrentPrincipal() principal: Principal, @ValidBody(createKeyBodySchema) body: z.infer<typeof createKeyBodySchema>): Promise<CreatedKey> {
    return this.keys.create(principal, body);
  }

  @Get()
  @Endpoint({
    summary: "The organisation's keys: name, prefix, kind, scopes, created, last used (never the secret or its hash)",
    responses: { 200: keyListSchema },
  })
  async list(@CurrentPrincipal() principal: Principal): Promise<z.infer<typeof keyListSchema>> {
    return { keys: await this.keys.list(principal.tenant) };
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @Endpoint({
    summary: 'Give a key a new secret (shown once); the old secret keeps working for graceSeconds (default KEY_ROTATION_GRACE_SECONDS = 24 h, 0..604800). 403 for a key carrying a scope the caller does not hold',
    requestExample: { graceSeconds: 3600 },
    bodyOptional: true,
    responses: { 200: { description: 'The key with its new secret (shown once)', schema: createdKeySchema } },
  })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(keyIdParamsSchema) params: z.infer<typeof keyIdParamsSchema>,
    @ValidBody(rotateKeyBodySchema.optional()) body: z.infer<typeof rotateKeyBodySchema> | undefined,
  ): Promise<CreatedKey> {
    return this.keys.rotate(principal, params.id, body?.graceSeconds);
  }

  @Delete(':id')
  @HttpCode(204)
  @Endpoint({ summary: 'Revoke a key at once (every service drops it from its cache); 403 for a key carrying a scope the caller does not hold', responses: { 204: null } })
  async revoke(@CurrentPrincipal() principal: Principal, @ValidParams(keyIdParamsSchema) params: z.infer<typeof keyIdParamsSchema>): Promise<void> {
    await this.keys.revoke(principal, params.id);
  }
}
