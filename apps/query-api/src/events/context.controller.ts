import { Controller, Get } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, ValidParams, ValidQuery } from '@millrace/service-kit';
import { contextQuerySchema, eventContextSchema, eventIdParamsSchema } from '../search/search.schemas';
import { ContextService } from './context.service';

@ApiTag('search')
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/events')
export class ContextController {
  constructor(private readonly context: ContextService) {}

  @Get(':id/context')
  @Endpoint({ summary: 'The lines before and after an event from the same app and host', responses: { 200: eventContextSchema } })
  around(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(eventIdParamsSchema) params: z.infer<typeof eventIdParamsSchema>,
    @ValidQuery(contextQuerySchema) query: z.infer<typeof contextQuerySchema>,
  ): Promise<z.infer<typeof eventContextSchema>> {
    return this.context.around(principal.tenant, params.id, query.before ?? 20, query.after ?? 20);
  }
}
