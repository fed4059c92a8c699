import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { ALERTER_SUBJECTS } from '@millrace/log-schema';
import { ApiTag, Endpoint, InvalidValueError, ValidBody, ValidParams, ValidQuery } from '@millrace/service-kit';
import { timeRangeParam } from '../search/request-params';
import { parseTimeBound, TimeRangeError } from '../search/time-range';
import { AlertsService } from './alerts.service';
import {
  alertHistorySchema, alertIdParamsSchema, alertListSchema, alertPatchSchema, alertRequestSchema, alertTestResultSchema, alertViewSchema,
  dryRunRangeQuerySchema, historyQuerySchema, muteBodySchema,
} from './alerts.schemas';

const READ: AuthRequirement = { kinds: ['service', 'user'], scopes: ['logs:read'] };
/** Writing an alert needs logs:read too: its notifications carry sample lines of the logs. */
const WRITE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage', 'logs:read'] };
const MANAGE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage'] };

type View = z.infer<typeof alertViewSchema>;
type Params = z.infer<typeof alertIdParamsSchema>;
type Range = z.infer<typeof dryRunRangeQuerySchema>;

@ApiTag('alerts')
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  private view(row: Parameters<AlertsService['view']>[0]): View {
    return this.alerts.view(row) as View;
  }

  @Post()
  @Auth(WRITE)
  @Endpoint({
    summary: 'Create an alert (presence, absence or threshold) with its channels; secrets are never shown again',
    requestExample: {
      name: 'checkout errors', kind: 'presence', query: 'app:checkout level:error', count: 5, windowSeconds: 60, trigger: 'immediate',
      groupBy: 'host', throttleSeconds: 300, channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' }],
    },
    responses: { 201: alertViewSchema },
    errors: [409],
  })
  async create(@CurrentPrincipal() principal: Principal, @ValidBody(alertRequestSchema) body: z.infer<typeof alertRequestSchema>): Promise<View> {
    return this.view(await this.alerts.create(principal, body));
  }

  @Get()
  @Auth(READ)
  @Endpoint({ summary: "The organisation's alerts (channel secrets redacted)", responses: { 200: alertListSchema } })
  async list(@CurrentPrincipal() principal: Principal): Promise<z.infer<typeof alertListSchema>> {
    return { alerts: (await this.alerts.list(principal.tenant)).map((a) => this.view(a)) };
  }

  @Post('test')
  @HttpCode(200)
  @Auth(READ)
  @Endpoint({
    summary: 'Dry run of an alert that is not saved: would it have fired over the past (default the last hour)?',
    responses: { 200: alertTestResultSchema },
    errors: [503],
  })
  async testDraft(@CurrentPrincipal() principal: Principal, @ValidBody(alertRequestSchema) body: z.infer<typeof alertRequestSchema>, @ValidQuery(dryRunRangeQuerySchema) range: Range) {
    const alert = this.alerts.draft(principal.tenant, body);
    return this.alerts.askAlerter(ALERTER_SUBJECTS.test, { tenant: principal.tenant, alert, ...timeRangeParam(range.from, range.to, '-1h') }, 30_000) as Promise<z.infer<typeof alertTestResultSchema>>;
  }

  @Get(':id')
  @Auth(READ)
  @Endpoint({ summary: 'An alert (channel secrets redacted)', responses: { 200: alertViewSchema } })
  async get(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params): Promise<View> {
    return this.view(await this.alerts.get(principal.tenant, params.id));
  }

  @Patch(':id')
  @Auth(WRITE)
  @Endpoint({ summary: 'Change some fields; channels sent with their id keep the secrets left out', responses: { 200: alertViewSchema } })
  async update(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params, @ValidBody(alertPatchSchema) body: z.infer<typeof alertPatchSchema>): Promise<View> {
    return this.view(await this.alerts.update(principal.tenant, params.id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth(MANAGE)
  @Endpoint({ summary: 'Delete an alert', responses: { 204: null } })
  async remove(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params): Promise<void> {
    await this.alerts.remove(principal.tenant, params.id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Auth(MANAGE)
  @Endpoint({ summary: 'Evaluate the alert again', responses: { 200: alertViewSchema } })
  async enable(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params): Promise<View> {
    return this.view(await this.alerts.setEnabled(principal.tenant, params.id, true));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Auth(MANAGE)
  @Endpoint({ summary: 'Stop evaluating; its window state is dropped', responses: { 200: alertViewSchema } })
  async disable(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params): Promise<View> {
    return this.view(await this.alerts.setEnabled(principal.tenant, params.id, false));
  }

  @Post(':id/mute')
  @HttpCode(200)
  @Auth(MANAGE)
  @Endpoint({
    summary: 'Keep evaluating but notify nobody until a time: {"until": "2025-01-01T08:00:00Z"} or {"minutes": 60}',
    requestExample: { minutes: 60 },
    responses: { 200: alertViewSchema },
  })
  async mute(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params, @ValidBody(muteBodySchema) body: z.infer<typeof muteBodySchema>): Promise<View> {
    let until: number;
    if (body.minutes !== undefined) until = Date.now() + body.minutes * 60_000;
    else if (body.until !== undefined) {
      try {
        until = parseTimeBound(String(body.until), Date.now(), 'until');
      } catch (error) {
        if (error instanceof TimeRangeError) throw new InvalidValueError({ path: 'until', location: 'body' }, error.message);
        throw error;
      }
    } else throw new InvalidValueError({ path: '', location: 'body' }, 'give "until" (a time) or "minutes" (1 to 525600)');
    return this.view(await this.alerts.mute(principal.tenant, params.id, new Date(until)));
  }

  @Post(':id/unmute')
  @HttpCode(200)
  @Auth(MANAGE)
  @Endpoint({ summary: 'Notify again', responses: { 200: alertViewSchema } })
  async unmute(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params): Promise<View> {
    return this.view(await this.alerts.mute(principal.tenant, params.id, null));
  }

  @Post(':id/test')
  @HttpCode(200)
  @Auth(READ)
  @Endpoint({
    summary: 'Dry run against OpenSearch: would the alert have fired over the past (default the last hour), when and how?',
    responses: { 200: alertTestResultSchema },
    errors: [503],
  })
  async test(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params, @ValidQuery(dryRunRangeQuerySchema) range: Range) {
    const row = await this.alerts.get(principal.tenant, params.id);
    const alert = { ...this.alerts.feedItem(row), channels: [] };
    return this.alerts.askAlerter(ALERTER_SUBJECTS.test, { tenant: principal.tenant, alert, ...timeRangeParam(range.from, range.to, '-1h') }, 30_000) as Promise<z.infer<typeof alertTestResultSchema>>;
  }

  @Get(':id/history')
  @Auth(READ)
  @Endpoint({
    summary: 'Current state per group, evaluations that fired or resolved, and every notification with its outcome (newest first)',
    responses: { 200: alertHistorySchema },
    errors: [503],
  })
  async history(@CurrentPrincipal() principal: Principal, @ValidParams(alertIdParamsSchema) params: Params, @ValidQuery(historyQuerySchema) query: z.infer<typeof historyQuerySchema>): Promise<z.infer<typeof alertHistorySchema>> {
    const row = await this.alerts.get(principal.tenant, params.id);
    const history = await this.alerts.askAlerter(ALERTER_SUBJECTS.history, { tenant: principal.tenant, alertId: row.id, limit: query.limit ?? 100 }, 10_000);
    return { alert: { id: row.id, name: row.name, kind: row.kind }, ...(history as object) };
  }
}
