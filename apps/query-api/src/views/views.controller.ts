import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { parseQuery, QuerySyntaxError } from '@millrace/query-language';
import { parseTimeBound, TimeRangeError } from '../search/time-range';
import { ViewsService, type ViewOutput } from './views.service';

const timeBound = z.string().max(64).refine((v) => {
  try {
    parseTimeBound(v, Date.now(), 'time');
    return true;
  } catch (error) {
    if (error instanceof TimeRangeError) return false;
    throw error;
  }
}, 'must be now, -15m, now-1h, epoch milliseconds or ISO 8601');

const viewSchema = z.object({
  name: z.string().trim().min(1).max(200),
  query: z.string().max(4096).default(''),
  from: timeBound.default('-1h'),
  to: timeBound.nullable().optional(),
}).strict();

function parseBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BadRequestException(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const value = result.data as { query?: string };
  if (value.query) {
    try {
      parseQuery(value.query);
    } catch (error) {
      if (error instanceof QuerySyntaxError) throw new BadRequestException(`query: ${error.message}`);
      throw error;
    }
  }
  return result.data;
}

/** Saved views: everyone in the organisation reads them; changing them needs `config:manage` (members and up). */
@ApiTags('views')
@ApiBearerAuth()
@Controller('v1/views')
export class ViewsController {
  constructor(private readonly views: ViewsService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @ApiOperation({ summary: 'List the organisation’s saved views' })
  list(@CurrentPrincipal() p: Principal): Promise<ViewOutput[]> {
    return this.views.list(p.tenant);
  }

  @Get(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ViewOutput> {
    return this.views.get(p.tenant, id);
  }

  @Post()
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @ApiOperation({ summary: 'Save a view: {name, query, from, to?}' })
  create(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<ViewOutput> {
    return this.views.create(p.tenant, p.userId ?? p.keyId ?? 'unknown', parseBody(viewSchema, body));
  }

  @Patch(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<ViewOutput> {
    return this.views.update(p.tenant, id, parseBody(viewSchema.partial(), body));
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.views.remove(p.tenant, id);
  }
}
