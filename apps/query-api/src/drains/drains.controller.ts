import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { checkQuery, parseBody } from '../routing/body';
import { DrainsService, type DrainOutput } from './drains.service';

const drainSchema = z.object({
  name: z.string().trim().min(1).max(200),
  url: z.string().min(1).max(2048),
  format: z.enum(['logplex', 'json']).optional(),
  query: z.string().max(4096).optional(),
  enabled: z.boolean().optional(),
}).strict();

/**
 * Drains: the broker-router pushes the organisation's lines (optionally filtered by a query) to
 * an HTTP(S) endpoint (Logplex frames or JSON) or a syslog endpoint (TCP or TLS, RFC 5424).
 * URLs are shown with their credentials masked. Reading needs `logs:read`, changing `config:manage`.
 */
@ApiTags('drains')
@ApiBearerAuth()
@Controller('v1/drains')
export class DrainsController {
  constructor(private readonly drains: DrainsService) {}

  @Get()
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @ApiOperation({ summary: 'List the organisation’s drains with their delivery status' })
  list(@CurrentPrincipal() p: Principal): Promise<DrainOutput[]> {
    return this.drains.list(p.tenant);
  }

  @Get(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
  @ApiOperation({ summary: 'A drain and its status: lines delivered, failed attempts, lines dropped, buffered, last error, last success' })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<DrainOutput> {
    return this.drains.get(p.tenant, id);
  }

  @Post()
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  @ApiOperation({ summary: 'Add a drain: {name, url (http, https, syslog+tcp, syslog+tls), format? (logplex | json, HTTP only), query?}' })
  @ApiBody({ schema: { type: 'object', example: { name: 'papertrail', url: 'syslog+tls://logs.example.com:6514', query: 'level:error' } } })
  create(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<DrainOutput> {
    const input = parseBody(drainSchema, body);
    checkQuery(input.query);
    return this.drains.create(p.tenant, p.userId ?? p.keyId ?? 'unknown', input);
  }

  @Patch(':id')
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: unknown): Promise<DrainOutput> {
    const input = parseBody(drainSchema.partial(), body);
    checkQuery(input.query);
    return this.drains.update(p.tenant, id, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth({ kinds: ['service', 'user'], scopes: ['config:manage'] })
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.drains.remove(p.tenant, id);
  }
}
