import { useQuery } from '@tanstack/react-query';
import { search } from '../../../api/endpoints';

/** The fields of the current result (from a sample of matching events), with types and examples. */
export function useFields(q: string, from: string, to: string) {
  return useQuery({
    queryKey: ['fields', q, from, to],
    queryFn: ({ signal }) => search.fields({ q, from, to }, signal),
    staleTime: 60_000,
  });
}

/** The most frequent values of one field in the current result, with counts. */
export function useTopValues(field: string | undefined, q: string, from: string, to: string) {
  return useQuery({
    queryKey: ['top', field, q, from, to],
    queryFn: ({ signal }) => search.top({ q, from, to, field: field!, size: 10 }, signal),
    enabled: Boolean(field),
    staleTime: 60_000,
  });
}
