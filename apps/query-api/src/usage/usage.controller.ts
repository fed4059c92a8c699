import { BadRequestException, Controller, Get, Inject, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { USAGE_SUBJECTS } from '@millrace/log-schema';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The organisation's daily volume, by app, as the broker-router counted it: lines and bytes
 * received, kept (what counts against the daily quota), excluded, sampled out, kept out of the
 * index, and dropped over quota; and the quota state.
 */
@ApiTags('usage')
@ApiBearerAuth()
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/usage')
export class UsageController {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  @Get()
  @ApiOperation({ summary: 'Volume of a UTC day (default today) by app, and the daily quota state' })
  @ApiQuery({ name: 'day', required: false, description: 'YYYY-MM-DD (UTC)' })
  async usage(@CurrentPrincipal() p: Principal, @Query('day') day?: string): Promise<unknown> {
    if (day !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))) {
      throw new BadRequestException('day must be a date YYYY-MM-DD');
    }
    let body: { error?: string } & Record<string, unknown>;
    try {
      const reply = await this.nc.request(USAGE_SUBJECTS.usageGet, encoder.encode(JSON.stringify({ tenant: p.tenant, ...(day ? { day } : {}) })), { timeout: 3000 });
      body = JSON.parse(decoder.decode(reply.data));
    } catch {
      throw new ServiceUnavailableException({ message: 'usage counters are unavailable right now (broker-router not answering); retry', retryAfterSeconds: 5 });
    }
    if (body.error) throw new BadRequestException(body.error);
    return body;
  }
}
