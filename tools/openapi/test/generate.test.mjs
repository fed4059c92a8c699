import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectedFiles, documentJson, main } from '../generate.mjs';

describe('the OpenAPI generator', () => {
  it('is deterministic, so the drift check compares like with like', async () => {
    const first = await expectedFiles();
    const second = await expectedFiles();
    expect(second.map((f) => f.content)).toEqual(first.map((f) => f.content));
    expect(first.map((f) => f.file.split('/libs/api-client/')[1])).toEqual([
      'openapi/query-api.json', 'src/generated/query-api.ts', 'openapi/auth.json', 'src/generated/auth.ts',
    ]);
  });

  it('fails the check when a document or the client drifted, and passes once regenerated', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openapi-'));
    const quiet = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = () => true;
    process.stderr.write = () => true;
    try {
      expect(await main([], dir)).toBe(0);
      expect(await main(['--check'], dir)).toBe(0);
      const doc = path.join(dir, 'openapi', 'auth.json');
      const edited = JSON.parse(readFileSync(doc, 'utf8'));
      delete edited.paths['/v1/keys'];
      writeFileSync(doc, documentJson(edited));
      expect(await main(['--check'], dir)).toBe(1);
      writeFileSync(path.join(dir, 'src', 'generated', 'query-api.ts'), '// stale\n');
      expect(await main(['--check'], dir)).toBe(1);
      expect(await main([], dir)).toBe(0);
      expect(await main(['--check'], dir)).toBe(0);
    } finally {
      process.stdout.write = quiet.stdout;
      process.stderr.write = quiet.stderr;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes documents as stable, newline-terminated JSON', () => {
    expect(documentJson({ b: 1, a: [2] })).toBe('{\n  "b": 1,\n  "a": [\n    2\n  ]\n}\n');
  });
});
