import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, ValidBody, ValidParams } from '@millrace/service-kit';
import { MembersService } from './members.service';
import { addedMemberSchema, addMemberBodySchema, changeRoleBodySchema, memberListSchema, memberParamsSchema, memberViewSchema } from './members.schemas';

/** Managing members: owners and admins (signed-in users; no key can). */
const MANAGE: AuthRequirement = { kinds: ['user'], roles: ['owner', 'admin'], scopes: ['members:manage'] };

@ApiTag('members')
@Controller('v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Auth({ kinds: ['user'] })
  @Endpoint({ summary: 'Members of the current organisation (any member)', responses: { 200: memberListSchema } })
  async list(@CurrentPrincipal() principal: Principal): Promise<z.infer<typeof memberListSchema>> {
    return { members: await this.members.list(principal.tenant) };
  }

  @Post()
  @Auth(MANAGE)
  @Endpoint({
    summary: 'Add a member: a new user (with an initial password) or an existing one (owner or admin; only owners add owners)',
    requestExample: { email: 'ada@example.com', role: 'member', password: 'an initial password', name: 'Ada' },
    responses: { 201: addedMemberSchema },
    errors: [409],
  })
  add(@CurrentPrincipal() principal: Principal, @ValidBody(addMemberBodySchema) body: z.infer<typeof addMemberBodySchema>): Promise<z.infer<typeof addedMemberSchema>> {
    return this.members.add(principal, body);
  }

  @Patch(':userId')
  @Auth(MANAGE)
  @Endpoint({
    summary: "Change a member's role (owner or admin; only owners grant or revoke owner; the last owner stays)",
    requestExample: { role: 'admin' },
    responses: { 200: memberViewSchema },
    errors: [409],
  })
  changeRole(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(memberParamsSchema) params: z.infer<typeof memberParamsSchema>,
    @ValidBody(changeRoleBodySchema) body: z.infer<typeof changeRoleBodySchema>,
  ): Promise<z.infer<typeof memberViewSchema>> {
    return this.members.changeRole(principal, params.userId, body.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @Auth(MANAGE)
  @Endpoint({
    summary: 'Remove a member and end their sessions in this organisation (owner or admin; only owners remove owners; the last owner stays)',
    responses: { 204: null },
    errors: [409],
  })
  async remove(@CurrentPrincipal() principal: Principal, @ValidParams(memberParamsSchema) params: z.infer<typeof memberParamsSchema>): Promise<void> {
    await this.members.remove(principal, params.userId);
  }
}
