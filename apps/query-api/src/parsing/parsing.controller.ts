import { Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, ValidBody, ValidParams } from '@millrace/service-kit';
import {
  dryRunResultSchema, dryRunSchema, redactionDryRunSchema, redactionSchema, redactionViewSchema, ruleIdParamsSchema, ruleListSchema,
  ruleOutputSchema, rulePatchSchema, ruleSchema, savedDryRunSchema, type RuleOutput,
} from './dto';
import { ParsingService } from './parsing.service';

const READ = { kinds: ['service', 'user'] as const, scopes: ['logs:read'] as const };
const MANAGE = { kinds: ['service', 'user'] as const, scopes: ['config:manage'] as const };
type Params = z.infer<typeof ruleIdParamsSchema>;
type DryRunResult = Promise<z.infer<typeof dryRunResultSchema>>;
type RedactionView = Promise<z.infer<typeof redactionViewSchema>>;

@ApiTag('parsing')
@Controller('v1')
export class ParsingController {
  constructor(private readonly parsing: ParsingService) {}

  @Get('parsing-rules')
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @Endpoint({ summary: 'List the organisation’s parsing rules, in the order they are tried', responses: { 200: ruleListSchema } })
  list(@CurrentPrincipal() p: Principal): Promise<RuleOutput[]> {
    return this.parsing.list(p.tenant);
  }

  @Get('parsing-rules/:id')
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @Endpoint({ summary: 'A parsing rule', responses: { 200: ruleOutputSchema } })
  get(@CurrentPrincipal() p: Principal, @ValidParams(ruleIdParamsSchema) params: Params): Promise<RuleOutput> {
    return this.parsing.get(p.tenant, params.id);
  }

  @Post('parsing-rules')
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  @Endpoint({
    summary: 'Create a rule: {name, app?, query?, pattern:{kind:regex|grok, source}, fieldTypes?, position?}',
    requestExample: { name: 'nginx upstream', app: 'nginx', pattern: { kind: 'grok', source: 'upstream %{IP:upstream} took %{NUMBER:ms}' }, fieldTypes: { ms: 'number' } },
    responses: { 201: ruleOutputSchema },
    errors: [409, 503],
  })
  create(@CurrentPrincipal() p: Principal, @ValidBody(ruleSchema) body: z.infer<typeof ruleSchema>): Promise<RuleOutput> {
    return this.parsing.create(p.tenant, body);
  }

  @Patch('parsing-rules/:id')
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  @Endpoint({ summary: 'Change some fields of a rule', responses: { 200: ruleOutputSchema }, errors: [503] })
  update(@CurrentPrincipal() p: Principal, @ValidParams(ruleIdParamsSchema) params: Params, @ValidBody(rulePatchSchema) body: z.infer<typeof rulePatchSchema>): Promise<RuleOutput> {
    return this.parsing.update(p.tenant, params.id, body);
  }

  @Delete('parsing-rules/:id')
  @HttpCode(204)
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  @Endpoint({ summary: 'Delete a rule', responses: { 204: null } })
  async remove(@CurrentPrincipal() p: Principal, @ValidParams(ruleIdParamsSchema) params: Params): Promise<void> {
    await this.parsing.remove(p.tenant, params.id);
  }

  @Post('parsing-rules/dry-run')
  @HttpCode(200)
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @Endpoint({
    summary: 'Show what a rule would make of sample lines, without saving it: {rule, lines}',
    requestExample: { rule: { name: 'try', pattern: { kind: 'regex', source: 'took (?P<ms>\\d+)ms' } }, lines: ['GET / took 12ms'] },
    responses: { 200: dryRunResultSchema },
    errors: [503],
  })
  dryRun(@CurrentPrincipal() p: Principal, @ValidBody(dryRunSchema) body: z.infer<typeof dryRunSchema>): DryRunResult {
    return this.parsing.dryRun(p.tenant, body.rule, body.lines);
  }

  @Post('parsing-rules/:id/dry-run')
  @HttpCode(200)
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @Endpoint({ summary: 'Show what a saved rule makes of sample lines', responses: { 200: dryRunResultSchema }, errors: [503] })
  dryRunSaved(@CurrentPrincipal() p: Principal, @ValidParams(ruleIdParamsSchema) params: Params, @ValidBody(savedDryRunSchema) body: z.infer<typeof savedDryRunSchema>): DryRunResult {
    return this.parsing.dryRunSaved(p.tenant, params.id, body.lines);
  }

  @Get('redaction')
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @Endpoint({ summary: 'The organisation’s redaction settings (defaults: e-mail and card numbers)', responses: { 200: redactionViewSchema } })
  getRedaction(@CurrentPrincipal() p: Principal): RedactionView {
    return this.parsing.getRedaction(p.tenant);
  }

  @Put('redaction')
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  @Endpoint({
    summary: 'Set redaction: {email, creditCard, ipv4?, ipv6?, custom?:[{name, pattern}]}',
    requestExample: { email: true, creditCard: true, ipv4: false, custom: [{ name: 'ticket', pattern: 'TICKET-[0-9]+' }] },
    responses: { 200: redactionViewSchema },
    errors: [503],
  })
  setRedaction(@CurrentPrincipal() p: Principal, @ValidBody(redactionSchema) body: z.infer<typeof redactionSchema>): RedactionView {
    return this.parsing.setRedaction(p.tenant, body);
  }

  @Post('redaction/dry-run')
  @HttpCode(200)
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @Endpoint({ summary: 'Show what redaction settings would do to sample lines: {settings, lines}', responses: { 200: dryRunResultSchema }, errors: [503] })
  dryRunRedaction(@CurrentPrincipal() p: Principal, @ValidBody(redactionDryRunSchema) body: z.infer<typeof redactionDryRunSchema>): DryRunResult {
    return this.parsing.dryRunRedaction(p.tenant, body.settings, body.lines);
  }
}
