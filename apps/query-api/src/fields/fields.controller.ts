import { Controller, Get, Inject } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, ValidQuery } from '@millrace/service-kit';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { timeRangeParam } from '../search/request-params';
import { fieldListSchema, fieldsQuerySchema } from '../search/search.schemas';
import { FieldsService } from './fields.service';

@ApiTag('search')
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/fields')
export class FieldsController {
  constructor(
    private readonly fields: FieldsService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {}

  @Get()
  @Endpoint({ summary: 'Fields present in a time range, with types and example values (from a sample of recent events)', responses: { 200: fieldListSchema } })
  discover(@CurrentPrincipal() principal: Principal, @ValidQuery(fieldsQuerySchema) query: z.infer<typeof fieldsQuerySchema>): Promise<z.infer<typeof fieldListSchema>> {
    const range = timeRangeParam(query.from, query.to, this.config.SEARCH_DEFAULT_RANGE);
    return this.fields.discover({ tenant: principal.tenant, query: query.q ?? '', ...range }, query.sample ?? 1000);
  }
}
