import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal, SCOPES, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { requireUuid } from '../common/ids';
import { ZodBody } from '../common/zod-body';
import { KeysService, type CreatedKey, type KeyView } from './keys.service';

const MAX_GRACE_SECONDS = 7 * 86400;

const CreateKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(['ingest', 'service']),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional(),
}).strict();

const RotateKeyBody = z.object({
  graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional(),
}).strict();

/** Owners and admins (signed in), or service keys holding keys:manage. Ingestion keys never. */
const MANAGE_KEYS: AuthRequirement = { kinds: ['user', 'service'], scopes: ['keys:manage'] };

@ApiTags('keys')
@ApiBearerAuth()
@Auth(MANAGE_KEYS)
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an ingestion key (write only) or a service key with scopes; the secret is shown only in this answer' })
  @ApiBody({ schema: { type: 'object', example: { name: 'ci-reader', kind: 'service', scopes: ['logs:read'] } } })
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodBody(CreateKeyBody)) body: z.infer<typeof CreateKeyBody>): Promise<CreatedKey> {
    return this.keys.create(principal, body);
  }

  @Get()
  @ApiOperation({ summary: "The organisation's keys: name, prefix, kind, scopes, created, last used (never the secret or its hash)" })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ keys: KeyView[] }> {
    return { keys: await this.keys.list(principal.tenant) };
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Give a key a new secret (shown once); the old secret keeps working for graceSeconds (default KEY_ROTATION_GRACE_SECONDS = 24 h, 0..604800)',
  })
  @ApiBody({ required: false, schema: { type: 'object', example: { graceSeconds: 3600 } } })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodBody(RotateKeyBody)) body: z.infer<typeof RotateKeyBody>,
  ): Promise<CreatedKey> {
    return this.keys.rotate(principal.tenant, requireUuid(id, 'key'), body.graceSeconds);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key at once (every service drops it from its cache)' })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(principal.tenant, requireUuid(id, 'key'));
  }
}
