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

const DAY_MS = 86_400_000;
/** What the indexer reads of a bulk answer: every item's status and error, nothing else. */
const BULK_FILTER = 'errors,items.*.status,items.*.error.type,items.*.error.reason';
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
/** Errors caused by the fields: the document is still good without them. */
const FIELD_ERRORS = /mapper_parsing_exception|illegal_argument_exception|document_parsing_exception|strict_dynamic_mapping_exception/;

/**
 * Writes a batch of events with one `_bulk` request and checks every item: the batch is durable
 * only when every document is indexed, degraded into `_source`-only fields, or rejected with a
 * reason the caller sends to the DLQ.
 */
export class BulkWriter {
  private readonly indexNames = new Map<string, string>();

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

  /**
   * One `_bulk` request, its body written as one NDJSON string (no per-document array for the
   * client to serialise again), and only the per-item status and error asked back.
   */
  private async bulk(items: Array<{ event: LogEvent; doc: EventDocument }>): Promise<BulkItemResult[]> {
    let body = '';
    for (const { event, doc } of items) {
      // `index` with the event id: a redelivered batch overwrites, never duplicates.
      body += `{"index":{"_index":"${this.indexOf(event)}","_id":${JSON.stringify(event.id)},"routing":${JSON.stringify(event.tenant)}}}\n${JSON.stringify(doc)}\n`;
    }
    let response;
    try {
      response = await this.client.bulk({ body, timeout: '30s', filter_path: BULK_FILTER } as never);
    } catch (error) {
      const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
      throw new BackPressureError(`bulk request failed${status ? ` (${status})` : ''}: ${(error as Error).message}`);
    }
    const items_ = (response.body as { items?: Array<Record<string, BulkItemResult>> }).items ?? [];
    if (items_.length !== items.length) throw new BackPressureError(`bulk answered ${items_.length} items for ${items.length} documents`);
    return items_.map((item) => Object.values(item)[0]);
  }

  /** Index names by tenant and UTC day, computed once per day rather than once per event. */
  private indexOf(event: LogEvent): string {
    const day = Math.floor(event.ts / DAY_MS);
    const key = `${this.retentionOf(event.tenant)}:${day}`;
    let name = this.indexNames.get(key);
    if (name === undefined) {
      if (this.indexNames.size > 10_000) this.indexNames.clear();
      name = eventIndexName(this.retentionOf(event.tenant), day * DAY_MS);
      this.indexNames.set(key, name);
    }
    return name;
  }
}

function describe(result: BulkItemResult): string {
  return `${result.status} ${result.error?.type ?? 'error'}: ${result.error?.reason ?? 'no reason given'}`.slice(0, 500);
}
