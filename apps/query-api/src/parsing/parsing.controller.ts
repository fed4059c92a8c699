import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { dryRunSchema, parseBody, redactionSchema, ruleSchema, samplesSchema, savedDryRunSchema } from './dto';
import { ParsingService, type RuleOutput } from './parsing.service';

const READ = { kinds: ['service', 'user'] as const, scopes: ['logs:read'] as const };
const MANAGE = { kinds: ['service', 'user'] as const, scopes: ['config:manage'] as const };

@ApiTags('parsing')
@ApiBearerAuth()
@Controller('v1')
export class ParsingController {
  constructor(private readonly parsing: ParsingService) {}

  @Get('parsing-rules')
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @ApiOperation({ summary: 'List the organisation’s parsing rules, in the order they are tried' })
  list(@CurrentPrincipal() p: Principal): Promise<RuleOutput[]> {
    return this.parsing.list(p.tenant);
  }

  @Get('parsing-rules/:id')
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<RuleOutput> {
    return this.parsing.get(p.tenant, id);
  }

  @Post('parsing-rules')
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  @ApiOperation({ summary: 'Create a rule: {name, app?, query?, pattern:{kind:regex|grok, source}, fieldTypes?, position?}' })
  create(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<RuleOutput> {
    return this.parsing.create(p.tenant, parseBody(ruleSchema, body));
  }

  @Patch('parsing-rules/:id')
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<RuleOutput> {
    return this.parsing.update(p.tenant, id, parseBody(ruleSchema.partial(), body));
  }

  @Delete('parsing-rules/:id')
  @HttpCode(204)
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.parsing.remove(p.tenant, id);
  }

  @Post('parsing-rules/dry-run')
  @HttpCode(200)
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @ApiOperation({ summary: 'Show what a rule would make of sample lines, without saving it: {rule, lines}' })
  dryRun(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { rule, lines } = parseBody(dryRunSchema, body);
    return this.parsing.dryRun(p.tenant, rule, lines);
  }

  @Post('parsing-rules/:id/dry-run')
  @HttpCode(200)
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  dryRunSaved(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.parsing.dryRunSaved(p.tenant, id, parseBody(savedDryRunSchema, body).lines);
  }

  @Get('redaction')
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  @ApiOperation({ summary: 'The organisation’s redaction settings (defaults: e-mail and card numbers)' })
  getRedaction(@CurrentPrincipal() p: Principal) {
    return this.parsing.getRedaction(p.tenant);
  }

  @Put('redaction')
  @Auth({ kinds: [...MANAGE.kinds], scopes: [...MANAGE.scopes] })
  @ApiOperation({ summary: 'Set redaction: {email, creditCard, ipv4?, ipv6?, custom?:[{name, pattern}]}' })
  setRedaction(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.parsing.setRedaction(p.tenant, parseBody(redactionSchema, body));
  }

  @Post('redaction/dry-run')
  @HttpCode(200)
  @Auth({ kinds: [...READ.kinds], scopes: [...READ.scopes] })
  dryRunRedaction(@CurrentPrincipal() p: Principal, @Body() body: { settings?: unknown; lines?: unknown }) {
    return this.parsing.dryRunRedaction(p.tenant, parseBody(redactionSchema, body?.settings), parseBody(samplesSchema, body?.lines));
  }
}
