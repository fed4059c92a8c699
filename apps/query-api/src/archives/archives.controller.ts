import { Controller, Delete, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Auth, CurrentPrincipal, type AuthRequirement, type Principal } from '@millrace/auth-token';
import { ApiTag, Endpoint, InvalidValueError, ValidBody, ValidParams } from '@millrace/service-kit';
import { parseTimeBound, TimeRangeError } from '../search/time-range';
import { ArchiverClient } from './archiver.client';
import { ArchivesService } from './archives.service';
import { archiveInputSchema, type ArchiveInput } from './destination-schema';
import { archiveViewSchema, destinationStatusSchema, jobIdParamsSchema, rehydrationJobSchema, rehydrationListSchema, rehydrationSchema } from './archives.schemas';

const READ: AuthRequirement = { kinds: ['service', 'user'], scopes: ['logs:read'] };
const MANAGE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage'] };
/** Rehydration makes archived lines searchable again (and costs store reads): it needs both. */
const REHYDRATE: AuthRequirement = { kinds: ['service', 'user'], scopes: ['config:manage', 'logs:read'] };

const S3_EXAMPLE = {
  enabled: true,
  destination: {
    type: 's3', endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1', bucket: 'acme-log-archive', prefix: 'millrace',
    forcePathStyle: false, serverSideEncryption: 'AES256', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
};

type Archive = z.infer<typeof archiveViewSchema>;
type Job = z.infer<typeof rehydrationJobSchema>;
type JobParams = z.infer<typeof jobIdParamsSchema>;

function actor(principal: Principal): string {
  return principal.userId ? `user:${principal.userId}` : principal.keyId ? `key:${principal.keyId}` : principal.kind;
}

function timeOf(value: string | number, name: 'from' | 'to', now: number): number {
  try {
    return parseTimeBound(String(value), now, name);
  } catch (error) {
    if (error instanceof TimeRangeError) throw new InvalidValueError({ path: name, location: 'body' }, error.message);
    throw error;
  }
}

/**
 * The organisation's archive: where its events are archived (S3-compatible store or, on
 * single-machine installs, a folder), and rehydration of archived ranges back into search.
 * The tenant is always the caller's; credentials are write-only.
 */
@ApiTag('archives')
@Controller('v1/archives')
export class ArchivesController {
  constructor(
    private readonly archives: ArchivesService,
    private readonly archiver: ArchiverClient,
  ) {}

  @Get()
  @Auth(READ)
  @Endpoint({ summary: "The organisation's archive destination (credentials are never returned: `hasSecret`)", responses: { 200: archiveViewSchema }, errors: [404] })
  get(@CurrentPrincipal() principal: Principal): Promise<Archive> {
    return this.archives.get(principal.tenant);
  }

  @Post()
  @Auth(MANAGE)
  @Endpoint({
    summary: 'Configure the archive (S3-compatible or filesystem); 409 when one exists',
    requestExample: S3_EXAMPLE,
    responses: { 201: archiveViewSchema },
    errors: [409],
  })
  async create(@CurrentPrincipal() principal: Principal, @ValidBody(archiveInputSchema) input: ArchiveInput): Promise<Archive> {
    return (await this.archives.save(principal.tenant, input, actor(principal), 'create')).view;
  }

  @Put()
  @Auth(MANAGE)
  @Endpoint({
    summary: 'Create or replace the archive; omit secretAccessKey to keep the stored one (same endpoint and key id)',
    requestExample: S3_EXAMPLE,
    responses: { 200: { description: 'Replaced', schema: archiveViewSchema }, 201: { description: 'Created', schema: archiveViewSchema } },
  })
  async replace(@CurrentPrincipal() principal: Principal, @ValidBody(archiveInputSchema) input: ArchiveInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<Archive> {
    const { view, created } = await this.archives.save(principal.tenant, input, actor(principal), 'replace');
    reply.status(created ? 201 : 200);
    return view;
  }

  @Delete()
  @HttpCode(204)
  @Auth(MANAGE)
  @Endpoint({ summary: 'Stop archiving (archived objects stay where they are)', responses: { 204: null }, errors: [404] })
  async remove(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.archives.remove(principal.tenant);
  }

  @Get('status')
  @Auth(READ)
  @Endpoint({ summary: 'How the archiver sees the destination: ok, failing (with the last error) or unknown', responses: { 200: destinationStatusSchema }, errors: [404, 503] })
  async status(@CurrentPrincipal() principal: Principal): Promise<z.infer<typeof destinationStatusSchema>> {
    await this.archives.get(principal.tenant);
    return this.archiver.destinationStatus(principal.tenant);
  }

  @Post('rehydrations')
  @HttpCode(202)
  @Auth(REHYDRATE)
  @Endpoint({
    summary: 'Rehydrate archived lines of a time range (optionally filtered by a query) into a temporary index; search it with GET /v1/search?rehydrated=<id>',
    requestExample: { from: '2026-01-05T00:00:00Z', to: '2026-01-05T06:00:00Z', query: 'app:checkout level:error' },
    responses: { 202: { description: 'The job, queued', schema: rehydrationJobSchema } },
    errors: [404, 409, 503],
  })
  async rehydrate(@CurrentPrincipal() principal: Principal, @ValidBody(rehydrationSchema) input: z.infer<typeof rehydrationSchema>): Promise<Job> {
    const now = Date.now();
    const from = timeOf(input.from, 'from', now);
    const to = timeOf(input.to, 'to', now);
    if (from > to) throw new InvalidValueError({ path: 'from', location: 'body' }, 'from must be before to');
    return this.archiver.createRehydration({ tenant: principal.tenant, from, to, query: input.query, requestedBy: actor(principal) });
  }

  @Get('rehydrations')
  @Auth(READ)
  @Endpoint({ summary: "The organisation's rehydration jobs, newest first", responses: { 200: rehydrationListSchema }, errors: [503] })
  async rehydrations(@CurrentPrincipal() principal: Principal): Promise<z.infer<typeof rehydrationListSchema>> {
    return { jobs: await this.archiver.listRehydrations(principal.tenant) };
  }

  @Get('rehydrations/:id')
  @Auth(READ)
  @Endpoint({ summary: 'A rehydration job: state, progress and cost (objects, bytes, lines read and indexed), problems found', responses: { 200: rehydrationJobSchema }, errors: [503] })
  rehydration(@CurrentPrincipal() principal: Principal, @ValidParams(jobIdParamsSchema) params: JobParams): Promise<Job> {
    return this.archiver.getRehydration(principal.tenant, params.id);
  }

  @Delete('rehydrations/:id')
  @Auth(REHYDRATE)
  @Endpoint({ summary: 'Cancel a queued or running job, or remove a finished job’s index now', responses: { 200: rehydrationJobSchema }, errors: [503] })
  cancel(@CurrentPrincipal() principal: Principal, @ValidParams(jobIdParamsSchema) params: JobParams): Promise<Job> {
    return this.archiver.cancelRehydration(principal.tenant, params.id);
  }
}
