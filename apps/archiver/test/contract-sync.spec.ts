import { readFileSync } from 'node:fs';
import path from 'node:path';

// The archive contract and the secret box exist in both apps that need them (apps never import
// each other); they must stay identical until they move to a shared lib.
describe('the archive contract shared with the query-api', () => {
  it.each(['contract.ts', 'secret-box.ts'])('%s is the same in both apps', (file) => {
    const archiver = readFileSync(path.join(__dirname, '..', 'src', 'archive', file), 'utf8');
    const queryApi = readFileSync(path.join(__dirname, '..', '..', 'query-api', 'src', 'archives', file), 'utf8');
    expect(queryApi).toBe(archiver);
  });
});
