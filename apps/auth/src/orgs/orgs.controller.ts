import { Controller, Get, Patch } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, ValidBody } from '@millrace/service-kit';
import { OrgsService } from './orgs.service';
import { orgViewSchema, principalSchema, updateSettingsBodySchema } from './orgs.schemas';

type OrgView = z.infer<typeof orgViewSchema>;

@ApiTag('organisation')
@Controller('v1')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Get('me')
  @Auth({ kinds: ['user', 'service', 'ingest'] })
  @Endpoint({ summary: 'Who the credential belongs to: tenant, kind, role and scopes', responses: { 200: principalSchema } })
  me(@CurrentPrincipal() principal: Principal): z.infer<typeof principalSchema> {
    return principal;
  }

  @Get('org')
  @Auth({ kinds: ['user', 'service'] })
  @Endpoint({ summary: 'The current organisation and its settings (any member, any service key)', responses: { 200: orgViewSchema } })
  get(@CurrentPrincipal() principal: Principal): Promise<OrgView> {
    return this.orgs.get(principal.tenant);
  }

  @Patch('org/settings')
  @Auth({ kinds: ['user'], roles: ['owner', 'admin'] })
  @Endpoint({
    summary: 'Change the name, retention class, daily volume quota (bytes/day, 0 = unlimited) or ingest rate limit (lines/s, 0 = unlimited); owner or admin',
    requestExample: { retentionClass: 'r90', dailyQuotaBytes: 10737418240, ingestRateLimit: 5000 },
    responses: { 200: orgViewSchema },
  })
  update(@CurrentPrincipal() principal: Principal, @ValidBody(updateSettingsBodySchema) body: z.infer<typeof updateSettingsBodySchema>): Promise<OrgView> {
    return this.orgs.updateSettings(principal.tenant, body);
  }
}
