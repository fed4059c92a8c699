import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Auth, CurrentPrincipal, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { REHYDRATION_JOB_ID_PATTERN } from '@millrace/search-index';
import { parseTimeBound, TimeRangeError } from '../search/time-range';
import { ArchiverClient } from './archiver.client';
import { ArchivesService } from './archives.service';
import { archiveInputSchema, type ArchiveInput } from './destination-schema';

const READ: AuthRequirement = { kinds: ['service', 'user'], scopes: ['logs:read'] };
const MANAGE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage'] };
/** Rehydration makes archived lines searchable again (and costs store reads): it needs both. */
const REHYDRATE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage', 'logs:read'] };

const S3_EXAMPLE = {
  enabled: true,
  destination: {
    type: 's3', endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1', bucket: 'acme-log-archive', prefix: 'millrace',
    forcePathStyle: false, serverSideEncryption: 'AES256', accessKeyId: 'AKIA…', secretAccessKey: '…',
  },
};

const rehydrationSchema = z.object({
  from: z.union([z.string(), z.number()]),
  to: z.union([z.string(), z.number()]),
  query: z.string().max(8192).default(''),
}).strict();

function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    problem: issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message,
  }));
  // Values are never echoed: they may be credentials.
  throw new BadRequestException({ message: `invalid request: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details });
}

function jobId(id: string): string {
  const lower = id.toLowerCase();
  if (!REHYDRATION_JOB_ID_PATTERN.test(lower)) throw new BadRequestException('not a rehydration job id');
  return lower;
}

function actor(principal: Principal): string {
  return principal.userId ? `user:${principal.userId}` : principal.keyId ? `key:${principal.keyId}` : principal.kind;
}

/**
 * The organisation's archive: where its events are archived (S3-compatible store or, on
 * single-machine installs, a folder), and rehydration of archived ranges back into search.
 * The tenant is always the caller's; credentials are write-only.
 */
@ApiTags('archives')
@ApiBearerAuth()
@Controller('v1/archives')
export class ArchivesController {
  constructor(
    private readonly archives: ArchivesService,
    private readonly archiver: ArchiverClient,
  ) {}

  @Get()
  @Auth(READ)
  @ApiOperation({ summary: "The organisation's archive destination (credentials are never returned: `hasSecret`)" })
  get(@CurrentPrincipal() principal: Principal) {
    return this.archives.get(principal.tenant);
  }

  @Post()
  @Auth(MANAGE)
  @ApiOperation({ summary: 'Configure the archive (S3-compatible or filesystem); 409 when one exists' })
  @ApiBody({ schema: { type: 'object', example: S3_EXAMPLE } })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const input: ArchiveInput = parseBody(archiveInputSchema, body);
    return (await this.archives.save(principal.tenant, input, actor(principal), 'create')).view;
  }

  @Put()
  @Auth(MANAGE)
  @ApiOperation({ summary: 'Create or replace the archive; omit secretAccessKey to keep the stored one (same endpoint and key id)' })
  @ApiBody({ schema: { type: 'object', example: S3_EXAMPLE } })
  async replace(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const input: ArchiveInput = parseBody(archiveInputSchema, body);
    const { view, created } = await this.archives.save(principal.tenant, input, actor(principal), 'replace');
    reply.status(created ? 201 : 200);
    return view;
  }

  @Delete()
  @HttpCode(204)
  @Auth(MANAGE)
  @ApiOperation({ summary: 'Stop archiving (archived objects stay where they are)' })
  async remove(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.archives.remove(principal.tenant);
  }

  @Get('status')
  @Auth(READ)
  @ApiOperation({ summary: 'How the archiver sees the destination: ok, failing (with the last error) or unknown' })
  async status(@CurrentPrincipal() principal: Principal) {
    await this.archives.get(principal.tenant);
    return this.archiver.destinationStatus(principal.tenant);
  }

  @Post('rehydrations')
  @HttpCode(202)
  @Auth(REHYDRATE)
  @ApiOperation({ summary: 'Rehydrate archived lines of a time range (optionally filtered by a query) into a temporary index; search it with GET /v1/search?rehydrated=<id>' })
  @ApiBody({ schema: { type: 'object', example: { from: '2026-01-05T00:00:00Z', to: '2026-01-05T06:00:00Z', query: 'app:checkout level:error' } } })
  async rehydrate(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const input = parseBody(rehydrationSchema, body);
    const now = Date.now();
    let from: number;
    let to: number;
    try {
      from = parseTimeBound(String(input.from), now, 'from');
      to = parseTimeBound(String(input.to), now, 'to');
    } catch (error) {
      if (error instanceof TimeRangeError) throw new BadRequestException(error.message);
      throw error;
    }
    if (from > to) throw new BadRequestException('from must be before to');
    return this.archiver.createRehydration({ tenant: principal.tenant, from, to, query: input.query, requestedBy: actor(principal) });
  }

  @Get('rehydrations')
  @Auth(READ)
  @ApiOperation({ summary: "The organisation's rehydration jobs, newest first" })
  async rehydrations(@CurrentPrincipal() principal: Principal) {
    return { jobs: await this.archiver.listRehydrations(principal.tenant) };
  }

  @Get('rehydrations/:id')
  @Auth(READ)
  @ApiOperation({ summary: 'A rehydration job: state, progress and cost (objects, bytes, lines read and indexed), problems found' })
  rehydration(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.archiver.getRehydration(principal.tenant, jobId(id));
  }

  @Delete('rehydrations/:id')
  @Auth(REHYDRATE)
  @ApiOperation({ summary: 'Cancel a queued or running job, or remove a finished job’s index now' })
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.archiver.cancelRehydration(principal.tenant, jobId(id));
  }
}
