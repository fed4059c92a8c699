import { DEFAULT_SEARCH, readSearchState, searchHref } from './searchState';

describe('search state in the URL', () => {
  it('round-trips every part of the state', () => {
    const state = { q: 'app:web "a b"', from: '1700000000000', to: '1700003600000', split: 'app', order: 'asc' as const, line: 'b1-3', ctx: 'b1-4' };
    const href = searchHref(state);
    expect(readSearchState(new URL(href, 'http://x').searchParams)).toEqual(state);
  });

  it('leaves defaults out of the URL and fills them in when reading', () => {
    expect(searchHref(DEFAULT_SEARCH)).toBe('/search');
    expect(searchHref({ q: 'x' })).toBe('/search?q=x');
    expect(readSearchState(new URLSearchParams(''))).toEqual(DEFAULT_SEARCH);
    expect(readSearchState(new URLSearchParams('split='))).toEqual({ ...DEFAULT_SEARCH, split: '' });
    expect(searchHref({ split: '' })).toBe('/search?split=');
  });

  it('ignores unknown orders', () => {
    expect(readSearchState(new URLSearchParams('order=sideways')).order).toBe('desc');
  });
});
