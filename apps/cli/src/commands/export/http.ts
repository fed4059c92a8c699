import { call, type Services } from '../../api/clients';
import { ApiError } from '../../api/errors';
import type { ExportFormat } from './records';

export interface ExportParams {
  q: string;
  from: string;
  to: string;
  format: ExportFormat;
}

/** `GET /v1/export`, oldest first: the body streams every matching event. */
export async function openExport(query: Services['query'], params: ExportParams, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const { data, error, response } = await query.GET('/v1/export', { params: { query: { ...params, order: 'asc' } }, parseAs: 'stream', signal });
  if (!response.ok) throw ApiError.from('query', response, error);
  if (!data) throw new ApiError('query', response.status, 'the export answered without a body');
  return data;
}

/** How many events the export will hold: the sum of the histogram over the same range. */
export async function countEvents(query: Services['query'], params: Omit<ExportParams, 'format'>, signal: AbortSignal): Promise<number> {
  const histogram = await call('query', query.GET('/v1/graphs/histogram', { params: { query: params }, signal }));
  return histogram.total.reduce((sum, n) => sum + n, 0);
}
