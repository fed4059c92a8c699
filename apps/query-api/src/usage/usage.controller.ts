import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { z } from 'zod';
import { USAGE_SUBJECTS } from '@millrace/log-schema';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, InvalidValueError, ValidQuery } from '@millrace/service-kit';
import { usageQuerySchema, usageSchema } from './usage.schemas';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The organisation's daily volume, by app, as the broker-router counted it: lines and bytes
 * received, kept (what counts against the daily quota), excluded, sampled out, kept out of the
 * index, and dropped over quota; and the quota state.
 */
@ApiTag('usage')
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/usage')
export class UsageController {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  @Get()
  @Endpoint({ summary: 'Volume of a UTC day (default today) by app, and the daily quota state', responses: { 200: usageSchema }, errors: [503] })
  async usage(@CurrentPrincipal() p: Principal, @ValidQuery(usageQuerySchema) query: z.infer<typeof usageQuerySchema>): Promise<z.infer<typeof usageSchema>> {
    const { day } = query;
    if (day !== undefined && Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new InvalidValueError({ path: 'day', location: 'query' }, 'day must be a date YYYY-MM-DD');
    let body: { error?: string } & z.infer<typeof usageSchema>;
    try {
      const reply = await this.nc.request(USAGE_SUBJECTS.usageGet, encoder.encode(JSON.stringify({ tenant: p.tenant, ...(day ? { day } : {}) })), { timeout: 3000 });
      body = JSON.parse(decoder.decode(reply.data));
    } catch {
      throw new ServiceUnavailableException({ message: 'usage counters are unavailable right now (broker-router not answering); retry', retryAfterSeconds: 5 });
    }
    if (body.error) throw new InvalidValueError({ path: 'day', location: 'query' }, body.error);
    return body;
  }
}
