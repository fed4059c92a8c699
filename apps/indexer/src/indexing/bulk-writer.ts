import type { Client } from '@opensearch-project/opensearch';
import {
  DEFAULT_RETENTION_CLASS, eventIndexName, toDocument, withoutIndexedFields,
  type EventDocument, type RetentionClass,
} from '@millrace/search-index';
import type { LogEvent } from '@millrace/log-schema';

/** OpenSearch is pushing back (429, 5xx, timeout): the whole batch is retried later. */
export class BackPressureError extends Error {
  override readonly name = 'BackPressureError';
}

export interface BulkOutcome {
  indexed: number;
  /** Documents indexed only after their fields were moved out of the mapping. */
  degraded: number;
  /** Events OpenSearch refused for good, with its reason. */
  rejected: Array<{ event: LogEvent; reason: string }>;
}

interface BulkItemResult {
  status: number;
  error?: { type: string; reason: string };
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
/** Errors caused by the fields: the document is still good without them. */
const FIELD_ERRORS = /mapper_parsing_exception|illegal_argument_exception|document_parsing_exception|strict_dynamic_mapping_exception/;

/**
 * Writes a batch of events with one `_bulk` request and checks every item: the batch is durable
 * only when every document is indexed, degraded into `_source`-only fields, or rejected with a
 * reason the caller sends to the DLQ.
 */
export class BulkWriter {
  constructor(
    private readonly client: Client,
    private readonly retentionOf: (tenant: string) => RetentionClass = () => DEFAULT_RETENTION_CLASS,
  ) {}

  async write(events: LogEvent[]): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { indexed: 0, degraded: 0, rejected: [] };
    const indexable = events.filter((e) => !e.noIndex);
    if (indexable.length === 0) return outcome;
    const firstPass = await this.bulk(indexable.map((e) => ({ event: e, doc: toDocument(e) })));
    const retry: Array<{ event: LogEvent; doc: EventDocument; reason: string }> = [];
    firstPass.forEach((result, i) => {
      const event = indexable[i];
      if (result.status < 300) outcome.indexed++;
      else if (RETRYABLE.has(result.status)) throw new BackPressureError(`OpenSearch answered ${result.status} for ${event.id}: ${result.error?.reason ?? ''}`);
      else if (FIELD_ERRORS.test(result.error?.type ?? '')) retry.push({ event, doc: withoutIndexedFields(toDocument(event)), reason: describe(result) });
      else outcome.rejected.push({ event, reason: describe(result) });
    });
    if (retry.length > 0) {
      const secondPass = await this.bulk(retry);
      secondPass.forEach((result, i) => {
        if (result.status < 300) outcome.degraded++;
        else if (RETRYABLE.has(result.status)) throw new BackPressureError(`OpenSearch answered ${result.status}: ${result.error?.reason ?? ''}`);
        else outcome.rejected.push({ event: retry[i].event, reason: `${retry[i].reason}; without fields: ${describe(result)}` });
      });
    }
    return outcome;
  }

  private async bulk(items: Array<{ event: LogEvent; doc: EventDocument }>): Promise<BulkItemResult[]> {
    const body: unknown[] = [];
    for (const { event, doc } of items) {
      // `index` with the event id: a redelivered batch overwrites, never duplicates.
      body.push({ index: { _index: eventIndexName(this.retentionOf(event.tenant), event.ts), _id: event.id, routing: event.tenant } });
      body.push(doc);
    }
    let response;
    try {
      response = await this.client.bulk({ body: body as never, timeout: '30s' });
    } catch (error) {
      const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
      throw new BackPressureError(`bulk request failed${status ? ` (${status})` : ''}: ${(error as Error).message}`);
    }
    const items_ = (response.body as { items: Array<Record<string, BulkItemResult>> }).items;
    return items_.map((item) => Object.values(item)[0]);
  }
}

function describe(result: BulkItemResult): string {
  return `${result.status} ${result.error?.type ?? 'error'}: ${result.error?.reason ?? 'no reason given'}`.slice(0, 500);
}
