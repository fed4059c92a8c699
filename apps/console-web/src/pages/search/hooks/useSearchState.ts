import { useCallback, useMemo } from 'react';
import { navigate, useLocation } from '../../../router';
import { readSearchState, searchHref, type SearchState } from '../utils/searchState';

/** The search's state, read from and written to the URL. */
export function useSearchState(): [SearchState, (changes: Partial<SearchState>, options?: { replace?: boolean }) => void] {
  const { params } = useLocation();
  const key = params.toString();
  const state = useMemo(() => readSearchState(new URLSearchParams(key)), [key]);
  const update = useCallback((changes: Partial<SearchState>, options?: { replace?: boolean }) => {
    navigate(searchHref({ ...readSearchState(new URLSearchParams(window.location.search)), ...changes }), options);
  }, []);
  return [state, update];
}
