import { expectedFiles, documentJson } from '../generate.mjs';

describe('the OpenAPI generator', () => {
  it('is deterministic, so the drift check compares like with like', async () => {
    const first = await expectedFiles();
    const second = await expectedFiles();
    expect(second.map((f) => f.content)).toEqual(first.map((f) => f.content));
    expect(first.map((f) => f.file.split('/libs/api-client/')[1])).toEqual([
      'openapi/query-api.json', 'src/generated/query-api.ts', 'openapi/auth.json', 'src/generated/auth.ts',
    ]);
  });

  it('writes documents as stable, newline-terminated JSON', () => {
    expect(documentJson({ b: 1, a: [2] })).toBe('{\n  "b": 1,\n  "a": [\n    2\n  ]\n}\n');
  });
});
