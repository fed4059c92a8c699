import { editable, parseJson, sampleLines } from './jsonEditor';

describe('json editor helpers', () => {
  it('parses JSON or says where it breaks', () => {
    expect(parseJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    const bad = parseJson('{\n  "a": 1,\n  b\n}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^Not valid JSON/);
  });

  it('leaves out what the server manages', () => {
    expect(JSON.parse(editable({ id: 'x', name: 'n', createdAt: 'now', query: 'q' }))).toEqual({ name: 'n', query: 'q' });
  });

  it('takes one sample per non-empty line, bounded', () => {
    expect(sampleLines('a\n\n b \r\nc')).toEqual(['a', ' b ', 'c']);
    expect(sampleLines('x\n'.repeat(500))).toHaveLength(100);
  });
});
