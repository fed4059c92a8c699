import { analyze, compileWildcard, longestLiteral, lowerCase, MAX_TOKEN_LENGTH } from './analysis';

describe('analyze (the standard analyzer)', () => {
  // Expected tokens were produced by Lucene 9.12's StandardAnalyzer (no stop words), the
  // analyzer of OpenSearch 2.x's `standard`.
  it.each([
    ["The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.", ["the","2","quick","brown","foxes","jumped","over","the","lazy","dog's","bone"]],
    ["foo_bar baz__qux _lead trail_ ___", ["foo_bar","baz__qux","_lead","trail_"]],
    ["a.b a. b v1.2.3 192.168.0.1 1.2 a.1 1.a", ["a.b","a","b","v1.2.3","192.168.0.1","1.2","a","1","1","a"]],
    ["key:value http://example.com/path?q=1 10:30", ["key:value","http","example.com","path","q","1","10","30"]],
    ["1,000.50 a,b 1;2 a;b", ["1,000.50","a","b","1;2","a","b"]],
    ["don't 'quoted' rock'n'roll 1'000", ["don't","quoted","rock'n'roll","1'000"]],
    ["GET /api/v1/users/42 HTTP/1.1 500", ["get","api","v1","users","42","http","1.1","500"]],
    ["user@example.com #tag @mention $5 50% C++ C#", ["user","example.com","tag","mention","5","50","c","c"]],
    ["ERROR [main] c.e.App - Connection reset by peer (errno=104)", ["error","main","c.e.app","connection","reset","by","peer","errno","104"]],
    ["Übermäßig İstanbul ΟΔΟΣ straße", ["übermäßig","istanbul","οδοσ","straße"]],
    ["東京タワー ひらがな カタカナー 한국어", ["東","京","タワー","ひ","ら","が","な","カタカナー","한국어"]],
    ["ภาษาไทย ok", ["ภาษาไทย","ok"]],
    ["emoji 😀 👨‍💻 ©  🇫🇷 x", ["emoji","😀","👨‍💻","©","🇫🇷","x"]],
    ["tab\tnew\nline\r\nend", ["tab","new","line","end"]],
    ["camelCase snake_case kebab-case dot.case", ["camelcase","snake_case","kebab","case","dot.case"]],
    ["0x1F 1e10 -5 +3 .5 5.", ["0x1f","1e10","5","3","5","5"]],
  ])('%j', (text, tokens) => {
    expect(analyze(text)).toEqual(tokens);
  });

  it('finds no tokens in punctuation and whitespace', () => {
    expect(analyze('')).toEqual([]);
    expect(analyze('  --- ... !!! ___ ')).toEqual([]);
  });

  it('splits tokens longer than 255 characters the way Lucene does', () => {
    expect(analyze('a'.repeat(600))).toEqual(['a'.repeat(255), 'a'.repeat(255), 'a'.repeat(90)]);
    // The scanner sees 255 characters: 'a…a.' is not a word, so the token stops before the dot.
    expect(analyze(`${'a'.repeat(254)}.b`)).toEqual(['a'.repeat(254), 'b']);
    expect(MAX_TOKEN_LENGTH).toBe(255);
  });

  it('lower-cases per code point like Lucene (dotted I, final sigma)', () => {
    expect(lowerCase('İ')).toBe('i');
    expect(lowerCase('ΟΔΟΣ')).toBe('οδοσ');
    expect(lowerCase('MiXeD')).toBe('mixed');
  });
});

describe('compileWildcard', () => {
  it.each([
    ['tim*', 'timeout', true],
    ['tim*', 'atime', false],
    ['*out', 'timeout', true],
    ['*me*', 'timeout', true],
    ['t*t', 'timeout', true],
    ['t*t', 't', false],
    ['tim?out', 'timeout', true],
    ['tim?ut', 'timeout', false],
    ['tim??ut', 'timeout', true],
    ['t?m*o?t', 'timeout', true],
    ['*a*b*c', 'xxaxxbxxc', true],
    ['*a*b*c', 'xxaxxcxxb', false],
    ['a*a*a*a*b', `${'a'.repeat(50)}`, false],
    ['?', '😀', true],
    ['??', '😀', false],
    ['x?z', 'x😀z', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a\\?', 'a?', true],
    ['a\\\\*', 'a\\zz', true],
    ['*', '', true],
    ['?*', '', false],
    ['Web*', 'web-1', false],
  ])('%s ~ %j is %s', (pattern, value, expected) => {
    expect(compileWildcard(pattern)(value)).toBe(expected);
  });

  it('stays linear on patterns that make regular expressions backtrack', () => {
    const matches = compileWildcard(`${'*a'.repeat(20)}*b`);
    const started = Date.now();
    expect(matches('a'.repeat(5000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('knows the longest literal a match must contain', () => {
    expect(longestLiteral('ab*cde?f')).toBe('cde');
    expect(longestLiteral('*')).toBe('');
  });
});
