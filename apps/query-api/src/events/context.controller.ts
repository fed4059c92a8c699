import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { intParam } from '../search/request-params';
import { ContextService, type EventContext } from './context.service';

@ApiTags('search')
@ApiBearerAuth()
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/events')
export class ContextController {
  constructor(private readonly context: ContextService) {}

  @Get(':id/context')
  @ApiOperation({ summary: 'The lines before and after an event from the same app and host' })
  around(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string, @Query('before') before?: string, @Query('after') after?: string,
  ): Promise<EventContext> {
    return this.context.around(principal.tenant, id, intParam(before, 'before', 20, 0, 500), intParam(after, 'after', 20, 0, 500));
  }
}
