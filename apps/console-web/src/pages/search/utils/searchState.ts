// The whole state of a search lives in the URL: query, range, split, order and the selected and
// context lines. Reading and writing it are pure functions of URLSearchParams.

export type Order = 'desc' | 'asc';

export interface SearchState {
  q: string;
  from: string;
  to: string;
  /** Field the histogram is split by ('' = none). */
  split: string;
  order: Order;
  /** The expanded line. */
  line?: string;
  /** The line whose context is open. */
  ctx?: string;
}

export const DEFAULT_SEARCH: SearchState = { q: '', from: '-1h', to: 'now', split: 'level', order: 'desc' };

const MAX_PARAM = 4096;

function param(params: URLSearchParams, name: string): string | undefined {
  const v = params.get(name);
  return v === null ? undefined : v.slice(0, MAX_PARAM);
}

export function readSearchState(params: URLSearchParams): SearchState {
  const order = param(params, 'order');
  return {
    q: param(params, 'q') ?? DEFAULT_SEARCH.q,
    from: param(params, 'from') || DEFAULT_SEARCH.from,
    to: param(params, 'to') || DEFAULT_SEARCH.to,
    split: param(params, 'split') ?? DEFAULT_SEARCH.split,
    order: order === 'asc' ? 'asc' : 'desc',
    line: param(params, 'line') || undefined,
    ctx: param(params, 'ctx') || undefined,
  };
}

/** The URL of a search: only what differs from the defaults, in a stable order. */
export function searchHref(state: Partial<SearchState>, path = '/search'): string {
  const s = { ...DEFAULT_SEARCH, ...state };
  const params = new URLSearchParams();
  if (s.q) params.set('q', s.q);
  if (s.from !== DEFAULT_SEARCH.from) params.set('from', s.from);
  if (s.to !== DEFAULT_SEARCH.to) params.set('to', s.to);
  if (s.split !== DEFAULT_SEARCH.split) params.set('split', s.split);
  if (s.order !== DEFAULT_SEARCH.order) params.set('order', s.order);
  if (s.line) params.set('line', s.line);
  if (s.ctx) params.set('ctx', s.ctx);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
