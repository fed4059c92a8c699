import type { Client } from '@opensearch-project/opensearch';
import {
  DEFAULT_RETENTION_CLASS, eventIndexName, toDocument, withoutIndexedFields, type RetentionClass,
} from '@millrace/search-index';
import { wireEventToLogEvent, type LogEvent, type WireEvent, type WireEventBatch } from '@millrace/log-schema';

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

  /**
   * `batch` is the EVENTS message as read off the wire: each document's bytes go into the bulk
   * body as they are. Only documents OpenSearch refuses are parsed (to degrade or dead-letter them).
   */
  async write(batch: WireEventBatch): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { indexed: 0, degraded: 0, rejected: [] };
    const indexable = batch.events.filter((e) => e.indexed);
    if (indexable.length === 0) return outcome;
    const firstPass = await this.bulk(batch.tenant, indexable);
    const retry: Array<{ event: WireEvent; reason: string }> = [];
    firstPass.forEach((result, i) => {
      const event = indexable[i];
      if (result.status < 300) outcome.indexed++;
      else if (RETRYABLE.has(result.status)) throw new BackPressureError(`OpenSearch answered ${result.status} for ${event.id}: ${result.error?.reason ?? ''}`);
      else if (FIELD_ERRORS.test(result.error?.type ?? '')) retry.push({ event, reason: describe(result) });
      else outcome.rejected.push({ event: wireEventToLogEvent(event), reason: describe(result) });
    });
    if (retry.length > 0) {
      const degraded = retry.map(({ event }) => ({ ...event, document: Buffer.from(JSON.stringify(withoutIndexedFields(toDocument(wireEventToLogEvent(event))))) }));
      const secondPass = await this.bulk(batch.tenant, degraded);
      secondPass.forEach((result, i) => {
        if (result.status < 300) outcome.degraded++;
        else if (RETRYABLE.has(result.status)) throw new BackPressureError(`OpenSearch answered ${result.status}: ${result.error?.reason ?? ''}`);
        else outcome.rejected.push({ event: wireEventToLogEvent(retry[i].event), reason: `${retry[i].reason}; without fields: ${describe(result)}` });
      });
    }
    return outcome;
  }

  /**
   * One `_bulk` request whose body is written straight into one buffer: an action line per
   * document, then the document's own bytes. Only item statuses and errors are asked back.
   */
  private async bulk(tenant: string, items: WireEvent[]): Promise<BulkItemResult[]> {
    const routing = JSON.stringify(tenant);
    const actions = new Array<string>(items.length);
    let size = 0;
    for (let i = 0; i < items.length; i++) {
      // `index` with the event id: a redelivered batch overwrites, never duplicates.
      actions[i] = `{"index":{"_index":"${this.indexOf(tenant, items[i].ts)}","_id":${JSON.stringify(items[i].id)},"routing":${routing}}}\n`;
      size += Buffer.byteLength(actions[i]) + items[i].document.length + 1;
    }
    const body = Buffer.allocUnsafe(size);
    let at = 0;
    for (let i = 0; i < items.length; i++) {
      at += body.write(actions[i], at);
      body.set(items[i].document, at);
      at += items[i].document.length;
      body[at++] = 0x0a;
    }
    let response;
    try {
      response = await this.client.bulk({ body, timeout: '30s', filter_path: BULK_FILTER } as never);
    } catch (error) {
      const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
      throw new BackPressureError(`bulk request failed${status ? ` (${status})` : ''}: ${(error as Error).message}`);
    }
    const answered = (response.body as { items?: Array<Record<string, BulkItemResult>> }).items ?? [];
    if (answered.length !== items.length) throw new BackPressureError(`bulk answered ${answered.length} items for ${items.length} documents`);
    return answered.map((item) => Object.values(item)[0]);
  }

  /** Index names by tenant and UTC day, computed once per day rather than once per event. */
  private indexOf(tenant: string, ts: number): string {
    const day = Math.floor(ts / DAY_MS);
    const retention = this.retentionOf(tenant);
    const key = `${retention}:${day}`;
    let name = this.indexNames.get(key);
    if (name === undefined) {
      if (this.indexNames.size > 10_000) this.indexNames.clear();
      name = eventIndexName(retention, day * DAY_MS);
      this.indexNames.set(key, name);
    }
    return name;
  }
}

function describe(result: BulkItemResult): string {
  return `${result.status} ${result.error?.type ?? 'error'}: ${result.error?.reason ?? 'no reason given'}`.slice(0, 500);
}
