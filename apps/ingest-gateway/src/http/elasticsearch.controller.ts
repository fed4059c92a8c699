import { Controller, Get, HttpCode, HttpException, HttpStatus, Post, Put, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, CurrentPrincipal, type Principal } from '@millrace/auth-token';
import {
  bulkResponse, decodeEsBulk, decodeEsDocument, esCompatResponse, esDocumentResponse, esRootInfo, ES_PRODUCT_HEADERS, type BulkItem,
} from '../protocols/es-bulk';
import { eventIdFor, HttpIngest } from './ingest-http';
import { IngestExceptionFilter } from './ingest-filter';

const SETUP_ROUTES = [
  '_index_template/:name', '_template/:name', '_component_template/:name', '_ilm/policy/:name',
  '_ingest/pipeline/:name', '_data_stream/:name', '_alias/:name', ':index/_alias/:name',
];

function productHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(ES_PRODUCT_HEADERS)) reply.header(name, value);
}

/**
 * Elasticsearch-compatible ingestion for Beats, Logstash, Fluent Bit, Vector, syslog-ng and the
 * official clients: `_bulk` with per-item results, and the probes and setup calls they make
 * before (version, license, templates, ILM policies: answered as present and accepted).
 */
@ApiTags('ingest')
@Auth({ kinds: ['ingest'], scopes: ['logs:write'] })
@UseFilters(IngestExceptionFilter)
@Controller()
export class ElasticsearchController {
  constructor(private readonly http: HttpIngest) {}

  @Post(['_bulk', ':index/_bulk'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Elasticsearch _bulk (index/create actions); per-item results, 201 per item only once it is stored' })
  bulkPost(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.bulk(principal, request, reply);
  }

  /** Elasticsearch takes PUT too, and the Python client sends it. */
  @Put(['_bulk', ':index/_bulk'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Elasticsearch _bulk with PUT (as the Python client sends it)' })
  bulkPut(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.bulk(principal, request, reply);
  }

  @Post([':index/_doc', ':index/_doc/:id', ':index/_create/:id'])
  @HttpCode(201)
  @ApiOperation({ summary: 'Elasticsearch index API: one document, 201 once it is stored' })
  documentPost(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.document(principal, request, reply);
  }

  @Put([':index/_doc/:id', ':index/_create/:id'])
  @HttpCode(201)
  @ApiOperation({ summary: 'Elasticsearch index API with an id: one document, 201 once it is stored' })
  documentPut(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.document(principal, request, reply);
  }

  /** Logs are not read back through the Elasticsearch API: every document is "not found". */
  @Get(':index/_doc/:id')
  @ApiOperation({ summary: 'Elasticsearch get API: always not found (search through the query-api)' })
  getDocument(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    productHeaders(reply);
    const params = request.params as { index: string; id: string };
    reply.status(404);
    return { _index: params.index, _id: params.id, found: false };
  }

  private async document(principal: Principal, request: FastifyRequest, reply: FastifyReply) {
    productHeaders(reply);
    const result = await this.http.decode(principal, 'es-bulk', request, decodeEsDocument, { textual: true });
    // A retried PUT of the same index and id is stored once (within the broker's duplicate window).
    const idempotencyKey = result.id !== undefined ? `es:${result.index}/${result.id}`.slice(0, 256) : undefined;
    const outcome = await this.http.store(principal, 'es-bulk', request, result.lines, request.headers['idempotency-key'] ? undefined : idempotencyKey);
    const id = result.id ?? eventIdFor(outcome, 0) ?? '';
    reply.header('location', `/${encodeURIComponent(result.index)}/_doc/${encodeURIComponent(id)}`);
    return esDocumentResponse(result.index, id);
  }

  private async bulk(principal: Principal, request: FastifyRequest, reply: FastifyReply) {
    productHeaders(reply);
    const started = performance.now();
    const result = await this.http.decode(principal, 'es-bulk', request, decodeEsBulk, { textual: true });
    const outcome = await this.http.storePartial(principal, 'es-bulk', request, result.lines);
    let items: readonly BulkItem[] = result.items;
    if (outcome.failure) {
      // Nothing stored: the whole request is answered 503 (every shipper retries it).
      if (outcome.failedBatches.length === outcome.batches) throw outcome.failure;
      // Part stored: the items of the batches that were not are 429, which Beats, Logstash and
      // Vector retry one by one, so nothing is stored twice.
      const failedLine = new Uint8Array(result.lines.length);
      let start = 0;
      const failed = new Set(outcome.failedBatches);
      outcome.batchSizes.forEach((size, b) => {
        if (failed.has(b)) failedLine.fill(1, start, start + size);
        start += size;
      });
      const reason = 'the log broker could not store this document right now; retry it';
      items = result.items.map((item) => (item.line !== undefined && failedLine[item.line] ? { ...item, error: { status: 429, type: 'es_rejected_execution_exception', reason } } : item));
    }
    return bulkResponse(items, { tookMs: performance.now() - started, idFor: (line) => eventIdFor(outcome, line) ?? '' });
  }

  @Get()
  @ApiOperation({ summary: 'Elasticsearch version probe (GET and HEAD /)' })
  root(@Res({ passthrough: true }) reply: FastifyReply) {
    productHeaders(reply);
    return esRootInfo();
  }

  @Get(['_nodes', '_nodes/:a', '_nodes/:a/:b'])
  @ApiOperation({ summary: 'Elasticsearch node info (Logstash and clients that sniff)' })
  nodes(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    productHeaders(reply);
    const host = String(request.headers.host ?? '127.0.0.1:9200');
    const info = esRootInfo();
    return {
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: info.cluster_name,
      nodes: {
        'millrace-ingest': {
          name: info.name,
          host: host.split(':')[0],
          version: (info.version as { number: string }).number,
          roles: ['data', 'ingest', 'master'],
          http: { bound_address: [host], publish_address: host, max_content_length_in_bytes: 100 * 1024 * 1024 },
        },
      },
    };
  }

  @Get(['_license', '_xpack', '_cluster/health', ...SETUP_ROUTES, ':index'])
  @ApiOperation({ summary: 'Elasticsearch probes and setup reads (license, X-Pack, health, templates, ILM, indices): answered as present' })
  probe(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.compat(request, reply);
  }

  @Put([...SETUP_ROUTES, ':index'])
  @ApiOperation({ summary: 'Elasticsearch setup writes (templates, policies, indices): acknowledged and ignored' })
  setupPut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.compat(request, reply);
  }

  @Post(SETUP_ROUTES)
  @ApiOperation({ summary: 'Elasticsearch setup writes: acknowledged and ignored' })
  setupPost(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.compat(request, reply);
  }

  private compat(request: FastifyRequest, reply: FastifyReply) {
    productHeaders(reply);
    const path = request.url.split('?')[0];
    const answer = esCompatResponse(request.method === 'HEAD' ? 'GET' : request.method, path);
    if (answer === undefined) throw new HttpException({ message: `no handler found for uri [${path}] and method [${request.method}]` }, HttpStatus.NOT_FOUND);
    reply.status(answer.status);
    return answer.body ?? {};
  }
}
