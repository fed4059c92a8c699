import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, checkQuery, Endpoint, ValidBody, ValidParams } from '@millrace/service-kit';
import { RoutingRulesService } from './routing-rules.service';
import { routingRuleIdParamsSchema, routingRuleOutputSchema, routingRulePatchSchema, routingRuleSchema } from './routing-rules.schemas';

type Rule = z.infer<typeof routingRuleOutputSchema>;
type Params = z.infer<typeof routingRuleIdParamsSchema>;

/**
 * Routing rules, applied by the broker-router to a tenant's lines before parsing. Reading needs
 * `logs:read`; changing needs `config:manage`. A change reaches the routers within seconds.
 */
@ApiTag('routing rules')
@Controller('v1/routing-rules')
export class RoutingRulesController {
  constructor(private readonly rules: RoutingRulesService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @Endpoint({ summary: 'List the organisation’s exclusion and sampling rules', responses: { 200: z.array(routingRuleOutputSchema) } })
  list(@CurrentPrincipal() p: Principal): Promise<Rule[]> {
    return this.rules.list(p.tenant);
  }

  @Get(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @Endpoint({ summary: 'A routing rule', responses: { 200: routingRuleOutputSchema } })
  get(@CurrentPrincipal() p: Principal, @ValidParams(routingRuleIdParamsSchema) params: Params): Promise<Rule> {
    return this.rules.get(p.tenant, params.id);
  }

  @Post()
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({
    summary: 'Add a rule: exclusion {kind: "exclude", name, query, action: "drop" | "noIndex"} or sampling {kind: "sample", name, query, rate}',
    requestExample: { kind: 'exclude', name: 'health checks', query: 'app:lb "GET /health"', action: 'drop' },
    responses: { 201: routingRuleOutputSchema },
    errors: [409],
  })
  create(@CurrentPrincipal() p: Principal, @ValidBody(routingRuleSchema) body: z.infer<typeof routingRuleSchema>): Promise<Rule> {
    checkQuery(body.query);
    return this.rules.create(p.tenant, p.userId ?? p.keyId ?? 'unknown', body);
  }

  @Patch(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({ summary: 'Change some fields of a rule', responses: { 200: routingRuleOutputSchema } })
  update(@CurrentPrincipal() p: Principal, @ValidParams(routingRuleIdParamsSchema) params: Params, @ValidBody(routingRulePatchSchema) body: z.infer<typeof routingRulePatchSchema>): Promise<Rule> {
    checkQuery(body.query);
    return this.rules.update(p.tenant, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({ summary: 'Delete a rule', responses: { 204: null } })
  async remove(@CurrentPrincipal() p: Principal, @ValidParams(routingRuleIdParamsSchema) params: Params): Promise<void> {
    await this.rules.remove(p.tenant, params.id);
  }
}
