import { BadRequestException, Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { once } from 'node:events';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { SearchService } from '../search/search.service';
import { intParam, timeRangeParam } from '../search/request-params';
import { CONTENT_TYPES, CSV_COLUMNS, EXPORT_FORMATS, csvRow, ndjsonRow, type ExportFormat } from './formats';

/** Events fetched per page while exporting: memory stays bounded by one page. */
const PAGE = 1000;

@ApiTags('search')
@ApiBearerAuth()
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/export')
export class ExportController {
  private readonly logger = new Logger('Export');

  constructor(
    private readonly search: SearchService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Stream every event of a query as NDJSON or CSV (oldest first by default), any number of lines' })
  @ApiProduces(CONTENT_TYPES.ndjson, CONTENT_TYPES.csv)
  async export(
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
    @Query('q') q = '', @Query('from') from?: string, @Query('to') to?: string,
    @Query('format') format = 'ndjson', @Query('order') order = 'asc', @Query('limit') limitText?: string,
  ): Promise<void> {
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new BadRequestException(`format must be one of ${EXPORT_FORMATS.join(', ')}`);
    if (order !== 'asc' && order !== 'desc') throw new BadRequestException('order must be asc or desc');
    const limit = intParam(limitText, 'limit', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
    const range = timeRangeParam(from, to, this.config.SEARCH_DEFAULT_RANGE);
    const request = { tenant: principal.tenant, query: q, ...range, order: order as 'asc' | 'desc' };
    // The first page is fetched before answering, so a bad query still gets a proper 400.
    let page = await this.search.search({ ...request, limit: Math.min(PAGE, limit) });

    const fmt = format as ExportFormat;
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': CONTENT_TYPES[fmt],
      'content-disposition': `attachment; filename="millrace-export.${fmt === 'csv' ? 'csv' : 'ndjson'}"`,
      'cache-control': 'no-store',
      'x-request-id': String(reply.request.id),
    });
    const row = fmt === 'csv' ? csvRow : ndjsonRow;
    let written = 0;
    let closed = false;
    raw.on('close', () => (closed = true));
    try {
      if (fmt === 'csv') raw.write(`${CSV_COLUMNS.join(',')}\r\n`);
      for (;;) {
        let chunk = '';
        for (const event of page.events) {
          if (written >= limit) break;
          chunk += row(event);
          written++;
        }
        // Respect the client's pace: wait for the socket to drain before fetching more.
        if (chunk && !raw.write(chunk)) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
        if (closed || !page.nextCursor || written >= limit) break;
        page = await this.search.search({ ...request, limit: Math.min(PAGE, limit - written), cursor: page.nextCursor });
      }
    } catch (error) {
      // Headers are gone: the only honest signal left is to cut the stream short.
      this.logger.error(`export failed after ${written} lines: ${(error as Error).message}`);
      raw.destroy(error as Error);
      return;
    }
    raw.end();
  }
}
