import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, checkQuery, Endpoint, InvalidValueError, ValidBody, ValidParams } from '@millrace/service-kit';
import { parseTimeBound, TimeRangeError } from '../search/time-range';
import { ViewsService } from './views.service';
import { viewIdParamsSchema, viewOutputSchema, viewPatchSchema, viewSchema, type ViewOutput } from './views.schemas';

type Params = z.infer<typeof viewIdParamsSchema>;

/** The query must parse and the times must be times: checked after the shape. */
function checkView(view: { query?: string; from?: string; to?: string | null }): void {
  checkQuery(view.query);
  for (const key of ['from', 'to'] as const) {
    const value = view[key];
    if (!value) continue;
    try {
      parseTimeBound(value, Date.now(), key);
    } catch (error) {
      if (error instanceof TimeRangeError) throw new InvalidValueError({ path: key, location: 'body' }, error.message);
      throw error;
    }
  }
}

/** Saved views: everyone in the organisation reads them; changing them needs `config:manage` (members and up). */
@ApiTag('views')
@Controller('v1/views')
export class ViewsController {
  constructor(private readonly views: ViewsService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @Endpoint({ summary: 'List the organisation’s saved views', responses: { 200: z.array(viewOutputSchema) } })
  list(@CurrentPrincipal() p: Principal): Promise<ViewOutput[]> {
    return this.views.list(p.tenant);
  }

  @Get(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @Endpoint({ summary: 'A saved view', responses: { 200: viewOutputSchema } })
  get(@CurrentPrincipal() p: Principal, @ValidParams(viewIdParamsSchema) params: Params): Promise<ViewOutput> {
    return this.views.get(p.tenant, params.id);
  }

  @Post()
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({
    summary: 'Save a view: {name, query, from, to?}',
    requestExample: { name: 'checkout errors', query: 'app:checkout level:error', from: '-24h' },
    responses: { 201: viewOutputSchema },
    errors: [409],
  })
  create(@CurrentPrincipal() p: Principal, @ValidBody(viewSchema) body: z.infer<typeof viewSchema>): Promise<ViewOutput> {
    checkView(body);
    return this.views.create(p.tenant, p.userId ?? p.keyId ?? 'unknown', body);
  }

  @Patch(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({ summary: 'Change some fields of a saved view', responses: { 200: viewOutputSchema } })
  update(@CurrentPrincipal() p: Principal, @ValidParams(viewIdParamsSchema) params: Params, @ValidBody(viewPatchSchema) body: z.infer<typeof viewPatchSchema>): Promise<ViewOutput> {
    checkView(body);
    return this.views.update(p.tenant, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({ summary: 'Delete a saved view', responses: { 204: null } })
  async remove(@CurrentPrincipal() p: Principal, @ValidParams(viewIdParamsSchema) params: Params): Promise<void> {
    await this.views.remove(p.tenant, params.id);
  }
}
