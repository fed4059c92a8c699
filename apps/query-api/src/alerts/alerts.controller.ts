import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { parseTimeBound, parseTimeRange, TimeRangeError } from '../search/time-range';
import { ALERTER_SUBJECTS } from '@millrace/log-schema';
import { AlertsService } from './alerts.service';

const READ: AuthRequirement = { kinds: ['service', 'user'], scopes: ['logs:read'] };
/** Writing an alert needs logs:read too: its notifications carry sample lines of the logs. */
const WRITE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage', 'logs:read'] };
const MANAGE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage'] };

const EXAMPLE = {
  name: 'checkout errors', kind: 'presence', query: 'app:checkout level:error', count: 5, windowSeconds: 60, trigger: 'immediate',
  groupBy: 'host', throttleSeconds: 300,
  channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' }],
};

function range(from: string | undefined, to: string | undefined): { from: number; to: number } {
  try {
    return parseTimeRange(from, to, '-1h');
  } catch (error) {
    if (error instanceof TimeRangeError) throw new BadRequestException(error.message);
    throw error;
  }
}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Post()
  @Auth(WRITE)
  @ApiOperation({ summary: 'Create an alert (presence, absence or threshold) with its channels; secrets are never shown again' })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.alerts.view(await this.alerts.create(principal, body));
  }

  @Get()
  @Auth(READ)
  @ApiOperation({ summary: "The organisation's alerts (channel secrets redacted)" })
  async list(@CurrentPrincipal() principal: Principal) {
    return { alerts: (await this.alerts.list(principal.tenant)).map((a) => this.alerts.view(a)) };
  }

  @Post('test')
  @HttpCode(200)
  @Auth(READ)
  @ApiOperation({ summary: 'Dry run of an alert that is not saved: would it have fired over the past (default the last hour)?' })
  @ApiQuery({ name: 'from', required: false }) @ApiQuery({ name: 'to', required: false })
  async testDraft(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Query('from') from?: string, @Query('to') to?: string) {
    const alert = this.alerts.draft(principal.tenant, body);
    return this.alerts.askAlerter(ALERTER_SUBJECTS.test, { tenant: principal.tenant, alert, ...range(from, to) }, 30_000);
  }

  @Get(':id')
  @Auth(READ)
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.alerts.view(await this.alerts.get(principal.tenant, id));
  }

  @Patch(':id')
  @Auth(WRITE)
  @ApiOperation({ summary: 'Change some fields; channels sent with their id keep the secrets left out' })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.alerts.view(await this.alerts.update(principal.tenant, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth(MANAGE)
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.alerts.remove(principal.tenant, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Auth(MANAGE)
  async enable(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.alerts.view(await this.alerts.setEnabled(principal.tenant, id, true));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Auth(MANAGE)
  @ApiOperation({ summary: 'Stop evaluating; its window state is dropped' })
  async disable(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.alerts.view(await this.alerts.setEnabled(principal.tenant, id, false));
  }

  @Post(':id/mute')
  @HttpCode(200)
  @Auth(MANAGE)
  @ApiOperation({ summary: 'Keep evaluating but notify nobody until a time: {"until": "2025-01-01T08:00:00Z"} or {"minutes": 60}' })
  async mute(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: { until?: unknown; minutes?: unknown } | undefined) {
    let until: number;
    if (typeof body?.minutes === 'number' && Number.isFinite(body.minutes) && body.minutes > 0 && body.minutes <= 525_600) until = Date.now() + body.minutes * 60_000;
    else if (typeof body?.until === 'string' || typeof body?.until === 'number') {
      try {
        until = parseTimeBound(String(body.until), Date.now(), 'until');
      } catch (error) {
        throw new BadRequestException((error as Error).message);
      }
    } else throw new BadRequestException('give "until" (a time) or "minutes" (1 to 525600)');
    return this.alerts.view(await this.alerts.mute(principal.tenant, id, new Date(until)));
  }

  @Post(':id/unmute')
  @HttpCode(200)
  @Auth(MANAGE)
  async unmute(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.alerts.view(await this.alerts.mute(principal.tenant, id, null));
  }

  @Post(':id/test')
  @HttpCode(200)
  @Auth(READ)
  @ApiOperation({ summary: 'Dry run against OpenSearch: would the alert have fired over the past (default the last hour), when and how?' })
  @ApiQuery({ name: 'from', required: false }) @ApiQuery({ name: 'to', required: false })
  async test(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query('from') from?: string, @Query('to') to?: string) {
    const row = await this.alerts.get(principal.tenant, id);
    const alert = { ...this.alerts.feedItem(row), channels: [] };
    return this.alerts.askAlerter(ALERTER_SUBJECTS.test, { tenant: principal.tenant, alert, ...range(from, to) }, 30_000);
  }

  @Get(':id/history')
  @Auth(READ)
  @ApiOperation({ summary: 'Current state per group, evaluations that fired or resolved, and every notification with its outcome (newest first)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000 (default 100)' })
  async history(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query('limit') limitText?: string) {
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadRequestException('limit must be an integer from 1 to 1000');
    const row = await this.alerts.get(principal.tenant, id);
    const history = await this.alerts.askAlerter(ALERTER_SUBJECTS.history, { tenant: principal.tenant, alertId: row.id, limit }, 10_000);
    return { alert: { id: row.id, name: row.name, kind: row.kind }, ...(history as object) };
  }
}
