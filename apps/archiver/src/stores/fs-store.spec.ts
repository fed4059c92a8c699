import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FsStore, resolveInside } from './fs-store';
import { StoreError } from './store';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('filesystem destination', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'millrace-fs-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps every path inside the root', () => {
    expect(resolveInside('/r', 'a/b')).toBe('/r/a/b');
    for (const bad of ['/etc', '../x', 'a/../../x', 'a/..']) expect(() => resolveInside('/r', bad)).toThrow(StoreError);
    expect(() => new FsStore(root, { type: 'filesystem', path: '../elsewhere', prefix: '' })).toThrow(/\.\./);
  });

  it('writes atomically, verifies by reading back, lists and reads', async () => {
    const store = new FsStore(root, { type: 'filesystem', path: 'acme', prefix: '' });
    await store.check();
    const body = Buffer.from('hello');
    expect(await store.putVerified('p/tenant=acme/x.ndjson.gz', body, 'application/gzip', sha(body))).toBe('readback');
    expect(readFileSync(path.join(root, 'acme/p/tenant=acme/x.ndjson.gz'), 'utf8')).toBe('hello');
    expect(readdirSync(path.join(root, 'acme/p/tenant=acme'))).toEqual(['x.ndjson.gz']);
    const pages = [];
    for await (const page of store.list('p/tenant=acme/')) pages.push(page);
    expect(pages).toEqual([[{ key: 'p/tenant=acme/x.ndjson.gz', size: 5 }]]);
    for await (const page of store.list('p/none/')) expect(page).toEqual([]);
    expect((await store.get('p/tenant=acme/x.ndjson.gz', 10)).toString()).toBe('hello');
    await expect(store.get('p/tenant=acme/x.ndjson.gz', 2)).rejects.toMatchObject({ code: 'too_large' });
    await expect(store.get('p/missing', 10)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses to follow a symbolic link out of the root', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'millrace-out-'));
    try {
      mkdirSync(path.join(root, 'acme'));
      symlinkSync(outside, path.join(root, 'acme', 'escape'));
      const store = new FsStore(root, { type: 'filesystem', path: 'acme/escape', prefix: '' });
      await expect(store.check()).rejects.toMatchObject({ code: 'outside_root' });
      const via = new FsStore(root, { type: 'filesystem', path: 'acme', prefix: '' });
      await expect(via.putVerified('escape/x', Buffer.from('x'), 'x', sha(Buffer.from('x')))).rejects.toMatchObject({ code: 'outside_root' });
      expect(existsSync(path.join(outside, 'x'))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
