import { Controller, Get, Inject, Logger, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiTag, Endpoint, ValidQuery } from '@millrace/service-kit';
import { once } from 'node:events';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { SearchService } from '../search/search.service';
import { timeRangeParam } from '../search/request-params';
import { exportQuerySchema } from '../search/search.schemas';
import { CONTENT_TYPES, CSV_COLUMNS, csvRow, ndjsonRow, type ExportFormat } from './formats';

/** Events fetched per page while exporting: memory stays bounded by one page. */
const PAGE = 1000;

@ApiTag('search')
@Auth({ kinds: ['service', 'user'], scopes: ['logs:read'] })
@Controller('v1/export')
export class ExportController {
  private readonly logger = new Logger('Export');

  constructor(
    private readonly search: SearchService,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
  ) {}

  @Get()
  @Endpoint({
    summary: 'Stream every event of a query as NDJSON or CSV (oldest first by default), any number of lines',
    description: 'The answer is streamed as it is read, page by page at the client’s pace (memory stays bounded on both sides), '
      + 'with `Content-Disposition: attachment`. A bad query or range is refused before the stream starts; a failure while '
      + 'streaming cuts the stream short (no trailer), so a client should compare the lines it got with the expected count.',
    responses: {
      200: {
        description: 'The events, one per line',
        content: {
          [CONTENT_TYPES.ndjson]: {
            schema: z.string().describe('newline-delimited JSON: one LogEvent object per line'),
            example: '{"id":"01JH2Q8Z6W3N4R5T6Y7U8I9O0P-0","ts":1736071800000,"app":"checkout","host":"web-1","level":"error","message":"payment failed"}\n',
          },
          [CONTENT_TYPES.csv]: {
            schema: z.string().describe(`RFC 4180 CSV with a header row: ${CSV_COLUMNS.join(',')}`),
            example: `${CSV_COLUMNS.join(',')}\r\n`,
          },
        },
      },
    },
  })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
    @ValidQuery(exportQuerySchema) query: z.infer<typeof exportQuerySchema>,
  ): Promise<void> {
    const { format, order } = query;
    const limit = query.limit ?? Number.MAX_SAFE_INTEGER;
    const range = timeRangeParam(query.from, query.to, this.config.SEARCH_DEFAULT_RANGE);
    const request = { tenant: principal.tenant, query: query.q ?? '', ...range, order };
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
