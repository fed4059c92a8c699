import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { checkQuery, parseBody } from './body';
import { RoutingRulesService, type RuleOutput } from './routing-rules.service';

const name = z.string().trim().min(1).max(200);
const query = z.string().max(4096);
const ruleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exclude'), name, query, action: z.enum(['drop', 'noIndex']).default('drop'), enabled: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('sample'), name, query, rate: z.number().int().min(2).max(1_000_000), enabled: z.boolean().optional() }).strict(),
]);
const patchSchema = z.object({
  name: name.optional(), query: query.optional(), kind: z.enum(['exclude', 'sample']).optional(),
  action: z.enum(['drop', 'noIndex']).optional(), rate: z.number().int().min(2).max(1_000_000).optional(), enabled: z.boolean().optional(),
}).strict();

/**
 * Routing rules, applied by the broker-router to a tenant's lines before parsing. Reading needs
 * `logs:read`; changing needs `config:manage`. A change reaches the routers within seconds.
 */
@ApiTags('routing rules')
@ApiBearerAuth()
@Controller('v1/routing-rules')
export class RoutingRulesController {
  constructor(private readonly rules: RoutingRulesService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @ApiOperation({ summary: 'List the organisation’s exclusion and sampling rules' })
  list(@CurrentPrincipal() p: Principal): Promise<RuleOutput[]> {
    return this.rules.list(p.tenant);
  }

  @Get(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<RuleOutput> {
    return this.rules.get(p.tenant, id);
  }

  @Post()
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @ApiOperation({ summary: 'Add a rule: exclusion {kind: "exclude", name, query, action: "drop" | "noIndex"} or sampling {kind: "sample", name, query, rate}' })
  @ApiBody({ schema: { type: 'object', example: { kind: 'exclude', name: 'health checks', query: 'app:lb "GET /health"', action: 'drop' } } })
  create(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<RuleOutput> {
    const input = parseBody(ruleSchema, body);
    checkQuery(input.query);
    return this.rules.create(p.tenant, p.userId ?? p.keyId ?? 'unknown', input);
  }

  @Patch(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<RuleOutput> {
    const input = parseBody(patchSchema, body);
    checkQuery(input.query);
    return this.rules.update(p.tenant, id, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.rules.remove(p.tenant, id);
  }
}
