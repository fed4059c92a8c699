import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal, ROLES, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { requireUuid } from '../common/ids';
import { ZodBody } from '../common/zod-body';
import { PASSWORD_MIN_LENGTH } from '../config';
import { MembersService, type MemberView } from './members.service';

const AddMemberBody = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  role: z.enum(ROLES).default('member'),
  password: z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(1024).optional(),
  name: z.string().trim().min(1).max(200).optional(),
}).strict();

const ChangeRoleBody = z.object({ role: z.enum(ROLES) }).strict();

/** Managing members: owners and admins (signed-in users; no key can). */
const MANAGE: AuthRequirement = { kinds: ['user'], roles: ['owner', 'admin'], scopes: ['members:manage'] };

@ApiTags('members')
@ApiBearerAuth()
@Controller('v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Auth({ kinds: ['user'] })
  @ApiOperation({ summary: 'Members of the current organisation (any member)' })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ members: MemberView[] }> {
    return { members: await this.members.list(principal.tenant) };
  }

  @Post()
  @Auth(MANAGE)
  @ApiOperation({ summary: 'Add a member: a new user (with an initial password) or an existing one (owner or admin; only owners add owners)' })
  @ApiBody({ schema: { type: 'object', example: { email: 'ada@example.com', role: 'member', password: 'an initial password', name: 'Ada' } } })
  add(@CurrentPrincipal() principal: Principal, @Body(new ZodBody(AddMemberBody)) body: z.infer<typeof AddMemberBody>) {
    return this.members.add(principal, body);
  }

  @Patch(':userId')
  @Auth(MANAGE)
  @ApiOperation({ summary: "Change a member's role (owner or admin; only owners grant or revoke owner; the last owner stays)" })
  @ApiBody({ schema: { type: 'object', example: { role: 'admin' } } })
  changeRole(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Body(new ZodBody(ChangeRoleBody)) body: z.infer<typeof ChangeRoleBody>,
  ): Promise<MemberView> {
    return this.members.changeRole(principal, requireUuid(userId, 'member'), body.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @Auth(MANAGE)
  @ApiOperation({ summary: 'Remove a member and end their sessions in this organisation (owner or admin; only owners remove owners; the last owner stays)' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('userId') userId: string): Promise<void> {
    await this.members.remove(principal, requireUuid(userId, 'member'));
  }
}
