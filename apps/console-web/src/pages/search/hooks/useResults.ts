import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { search } from '../../../api/endpoints';
import type { LogEvent } from '../../../api/types';
import type { Order } from '../utils/searchState';

export const PAGE_SIZE = 500;

/** Results page by page, following the cursor as the list is scrolled. */
export function useResults(q: string, from: string, to: string, order: Order) {
  const query = useInfiniteQuery({
    queryKey: ['search', q, from, to, order],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => search.page({ q, from, to, order, limit: PAGE_SIZE, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
  });
  // One array per page loaded (not per render): the list's item keys and sizes stay cached.
  const events: LogEvent[] = useMemo(() => (query.data ? query.data.pages.flatMap((p) => p.events) : []), [query.data]);
  return { ...query, events };
}
