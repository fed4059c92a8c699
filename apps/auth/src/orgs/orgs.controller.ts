import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal, RETENTION_CLASS_IDS, type Principal } from '@millrace/auth-token';
import { ZodBody } from '../common/zod-body';
import { OrgsService, type OrgView } from './orgs.service';

const UpdateSettings = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  retentionClass: z.enum(RETENTION_CLASS_IDS).optional(),
  dailyQuotaBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  ingestRateLimit: z.number().int().min(0).max(100_000_000).optional(),
}).strict().refine((v) => Object.keys(v).length > 0, 'give at least one setting to change');

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('v1')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Get('me')
  @Auth({ kinds: ['user', 'service', 'ingest'] })
  @ApiOperation({ summary: 'Who the credential belongs to: tenant, kind, role and scopes' })
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('org')
  @Auth({ kinds: ['user', 'service'] })
  @ApiOperation({ summary: 'The current organisation and its settings (any member, any service key)' })
  get(@CurrentPrincipal() principal: Principal): Promise<OrgView> {
    return this.orgs.get(principal.tenant);
  }

  @Patch('org/settings')
  @Auth({ kinds: ['user'], roles: ['owner', 'admin'] })
  @ApiOperation({ summary: 'Change the name, retention class, daily volume quota (bytes/day, 0 = unlimited) or ingest rate limit (lines/s, 0 = unlimited); owner or admin' })
  @ApiBody({ schema: { type: 'object', example: { retentionClass: 'r90', dailyQuotaBytes: 10737418240, ingestRateLimit: 5000 } } })
  update(@CurrentPrincipal() principal: Principal, @Body(new ZodBody(UpdateSettings)) body: z.infer<typeof UpdateSettings>): Promise<OrgView> {
    return this.orgs.updateSettings(principal.tenant, body);
  }
}
