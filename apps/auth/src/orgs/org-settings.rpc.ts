import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_SUBJECTS, isTenantId } from '@millrace/log-schema';
import type { OrgSettingsReply, OrgSettingsRequest } from '@millrace/auth-token';
import { OrgsService } from './orgs.service';

/** Answers `auth.orgs.settings` ({tenant} → settings) for the services that enforce them. */
@Controller()
export class OrgSettingsRpc {
  constructor(private readonly orgs: OrgsService) {}

  @MessagePattern(AUTH_SUBJECTS.orgSettings)
  async settings(@Payload() request: OrgSettingsRequest): Promise<OrgSettingsReply> {
    if (typeof request?.tenant !== 'string' || !isTenantId(request.tenant)) return { found: false };
    const settings = await this.orgs.settingsOf(request.tenant);
    return settings ? { found: true, tenant: request.tenant, settings } : { found: false };
  }
}
