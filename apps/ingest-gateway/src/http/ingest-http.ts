import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { eventId, type Protocol, type RawLine } from '@millrace/log-schema';
import type { Principal } from '@millrace/auth-token';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { IngestService, type IngestOutcome, type PartialOutcome } from '../ingest/ingest.service';
import { alterations, recordDecode } from '../ingest/metrics';
import { decompressBody } from '../protocols/decompress';
import { checkContentType } from './content-types';
import type { DecodeContext, DecodeResult, Decoder } from '../protocols/types';

export interface DecodeOptions {
  /** The body is text (JSON, NDJSON, syslog...): count bodies with invalid UTF-8 (replaced by U+FFFD). */
  textual?: boolean;
  /** Extra context for the decoder (e.g. contentType). */
  ctx?: Partial<DecodeContext>;
}

/** How many item errors an answer lists (all are counted). */
const MAX_LISTED_ERRORS = 10;

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The steps every HTTP ingestion route shares: refuse early while the tenant is over a limit or
 * the broker is away, undo Content-Encoding within MAX_BODY_BYTES, decode with the protocol's
 * pure decoder, count what was cut or refused, publish through IngestService.
 */
@Injectable()
export class HttpIngest {
  constructor(
    private readonly ingest: IngestService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async decode<R extends DecodeResult>(principal: Principal, protocol: Protocol, request: FastifyRequest, decoder: Decoder<R>, options: DecodeOptions = {}): Promise<R> {
    await this.ingest.precheck(principal.tenant, protocol);
    checkContentType(protocol, request.headers);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const body = decompressBody(raw, headerOf(request, 'content-encoding'), this.config.MAX_BODY_BYTES);
    if (options.textual && !isUtf8(body)) alterations.inc({ protocol, reason: 'invalid_utf8' });
    const result = decoder(body, {
      query: request.query as DecodeContext['query'],
      headers: request.headers,
      params: request.params as DecodeContext['params'],
      receivedAt: Date.now(),
      ...options.ctx,
    });
    recordDecode(protocol, result);
    return result;
  }

  /** Publish every line (or throw 503/429); `idempotencyKey` from the header unless given. */
  store(principal: Principal, protocol: Protocol, request: FastifyRequest, lines: RawLine[], idempotencyKey?: string): Promise<IngestOutcome> {
    return this.ingest.ingest(principal.tenant, lines, { protocol, remoteAddress: request.ip }, { idempotencyKey: idempotencyKey ?? headerOf(request, 'idempotency-key') });
  }

  /** Publish and report per batch (Elasticsearch `_bulk` answers per item). */
  storePartial(principal: Principal, protocol: Protocol, request: FastifyRequest, lines: RawLine[]): Promise<PartialOutcome> {
    return this.ingest.ingestPartial(principal.tenant, lines, { protocol, remoteAddress: request.ip }, { idempotencyKey: headerOf(request, 'idempotency-key') });
  }

  /** A request whose every item was refused stores nothing: 400 with the first reason. */
  requireSomeLines(result: DecodeResult): void {
    if (result.lines.length === 0 && result.rejected.length > 0) {
      throw new HttpException({
        message: `no line could be accepted: ${result.rejected[0].reason}${result.rejected.length > 1 ? ` (and ${result.rejected.length - 1} more)` : ''}`,
        code: 'bad_request',
        details: { rejected: result.rejected.slice(0, MAX_LISTED_ERRORS) },
      }, HttpStatus.BAD_REQUEST);
    }
  }

  /** The answer of Millrace's own JSON endpoints. */
  static answer(result: DecodeResult, outcome: IngestOutcome): Record<string, unknown> {
    const body: Record<string, unknown> = { status: 'ok', lines: outcome.lines, batches: outcome.batches };
    if (result.rejected.length > 0) {
      body.rejected = result.rejected.length;
      body.errors = result.rejected.slice(0, MAX_LISTED_ERRORS);
    }
    body.truncated = result.truncated;
    if (outcome.duplicates > 0) body.duplicates = outcome.duplicates;
    return body;
  }
}

/** The event id (batch id + index in the batch) a request's line got. */
export function eventIdFor(outcome: IngestOutcome, line: number): string | undefined {
  let start = 0;
  for (let b = 0; b < outcome.batchSizes.length; b++) {
    const size = outcome.batchSizes[b];
    if (line < start + size) return eventId(outcome.batchIds[b], line - start);
    start += size;
  }
  return undefined;
}
