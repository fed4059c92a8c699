import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { ApiTag, checkQuery, Endpoint, ValidBody, ValidParams } from '@millrace/service-kit';
import { DrainsService } from './drains.service';
import { drainIdParamsSchema, drainOutputSchema, drainPatchSchema, drainSchema } from './drains.schemas';

type Drain = z.infer<typeof drainOutputSchema>;
type Params = z.infer<typeof drainIdParamsSchema>;

/**
 * Drains: the broker-router pushes the organisation's lines (optionally filtered by a query) to
 * an HTTP(S) endpoint (Logplex frames or JSON) or a syslog endpoint (TCP or TLS, RFC 5424).
 * URLs are shown with their credentials masked. Reading needs `logs:read`, changing `config:manage`.
 */
@ApiTag('drains')
@Controller('v1/drains')
export class DrainsController {
  constructor(private readonly drains: DrainsService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @Endpoint({ summary: 'List the organisation’s drains with their delivery status', responses: { 200: z.array(drainOutputSchema) } })
  list(@CurrentPrincipal() p: Principal): Promise<Drain[]> {
    return this.drains.list(p.tenant);
  }

  @Get(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @Endpoint({ summary: 'A drain and its status: lines delivered, failed attempts, lines dropped, buffered, last error, last success', responses: { 200: drainOutputSchema } })
  get(@CurrentPrincipal() p: Principal, @ValidParams(drainIdParamsSchema) params: Params): Promise<Drain> {
    return this.drains.get(p.tenant, params.id);
  }

  @Post()
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({
    summary: 'Add a drain: {name, url (http, https, syslog+tcp, syslog+tls), format? (logplex | json, HTTP only), query?}',
    requestExample: { name: 'papertrail', url: 'syslog+tls://logs.example.com:6514', query: 'level:error' },
    responses: { 201: drainOutputSchema },
    errors: [409],
  })
  create(@CurrentPrincipal() p: Principal, @ValidBody(drainSchema) body: z.infer<typeof drainSchema>): Promise<Drain> {
    checkQuery(body.query);
    return this.drains.create(p.tenant, p.userId ?? p.keyId ?? 'unknown', body);
  }

  @Patch(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({ summary: 'Change some fields of a drain', responses: { 200: drainOutputSchema } })
  update(@CurrentPrincipal() p: Principal, @ValidParams(drainIdParamsSchema) params: Params, @ValidBody(drainPatchSchema) body: z.infer<typeof drainPatchSchema>): Promise<Drain> {
    checkQuery(body.query);
    return this.drains.update(p.tenant, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @Endpoint({ summary: 'Delete a drain', responses: { 204: null } })
  async remove(@CurrentPrincipal() p: Principal, @ValidParams(drainIdParamsSchema) params: Params): Promise<void> {
    await this.drains.remove(p.tenant, params.id);
  }
}
