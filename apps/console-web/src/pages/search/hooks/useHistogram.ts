import { useQuery } from '@tanstack/react-query';
import { search } from '../../../api/endpoints';

export function useHistogram(q: string, from: string, to: string, split: string) {
  return useQuery({
    queryKey: ['histogram', q, from, to, split],
    queryFn: ({ signal }) => search.histogram({ q, from, to, split: split || undefined, top: 6 }, signal),
    staleTime: 30_000,
  });
}
