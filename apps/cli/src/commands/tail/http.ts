import type { Services } from '../../api/clients';
import { ApiError } from '../../api/errors';

export interface TailParams {
  q: string;
  backlog?: number;
  /** Resume after this line (the SSE id of the last line received). */
  lastEventId?: string;
}

/** Opens `GET /v1/tail` (Server-Sent Events) and returns its body. */
export async function openTail(query: Services['query'], params: TailParams, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const { data, error, response } = await query.GET('/v1/tail', {
    params: {
      query: { q: params.q, ...(params.backlog !== undefined && params.lastEventId === undefined ? { backlog: params.backlog } : {}) },
      header: params.lastEventId !== undefined ? { 'last-event-id': params.lastEventId } : {},
    },
    headers: { accept: 'text/event-stream' },
    parseAs: 'stream',
    signal,
  });
  if (!response.ok) throw ApiError.from('query', response, error);
  if (!data) throw new ApiError('query', response.status, 'the tail answered without a body');
  return data;
}
