import type { Services } from '../../api/clients';
import { ApiError } from '../../api/errors';

/** One line as the Mezmo-compatible `POST /logs/ingest` takes it. */
export interface IngestLine {
  line: string;
  app?: string;
  level?: string;
  timestamp?: number;
}

export interface IngestContext {
  hostname?: string;
  tags?: string[];
}

export interface IngestAnswer {
  status: 'ok';
  lines: number;
  batches: number;
  duplicates?: number;
}

/**
 * Sends one batch. The Idempotency-Key makes a retry of the same batch land on the same broker
 * message ids, so the broker stores each line once however many times it is sent.
 */
export async function sendBatch(ingest: Services['ingest'], lines: IngestLine[], context: IngestContext, idempotencyKey: string, signal: AbortSignal): Promise<IngestAnswer> {
  const query: Record<string, string> = {};
  if (context.hostname) query.hostname = context.hostname;
  if (context.tags?.length) query.tags = context.tags.join(',');
  const { data, error, response } = await ingest.POST('/logs/ingest', {
    params: { query, header: { 'idempotency-key': idempotencyKey } },
    body: { lines },
    signal,
  });
  if (!response.ok) throw ApiError.from('ingest', response, error);
  return data as IngestAnswer;
}
