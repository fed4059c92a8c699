import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { FilesystemDestination } from '@millrace/archive-contract';
import { StoreError, type ArchiveStore, type ObjectInfo, type Verification } from './store';

/**
 * Resolve a relative path inside a base folder, or throw: no absolute paths, no `..`, nothing
 * that lands outside. (Symbolic links are checked separately, against the real paths.)
 */
export function resolveInside(base: string, relative: string): string {
  if (path.isAbsolute(relative)) throw new StoreError(`"${relative}" must be relative`, true, 'outside_root');
  if (relative.split(/[\\/]/).some((s) => s === '..')) throw new StoreError(`"${relative}" must not contain ..`, true, 'outside_root');
  const resolved = path.resolve(base, relative);
  if (resolved !== base && !resolved.startsWith(base.endsWith(path.sep) ? base : base + path.sep)) {
    throw new StoreError(`"${relative}" leaves ${base}`, true, 'outside_root');
  }
  return resolved;
}

/**
 * A folder on this machine for single-machine installs, always inside ARCHIVE_FS_ROOT, whatever
 * the tenant configured (relative paths only, no `..`, no symbolic link leading out). Objects are
 * written to a temporary file, fsync'ed, renamed into place (atomic: a reader never sees half an
 * object), the folder fsync'ed, then read back and hashed.
 */
export class FsStore implements ArchiveStore {
  readonly description: string;
  private readonly base: string;

  constructor(
    private readonly root: string,
    destination: FilesystemDestination,
  ) {
    this.root = path.resolve(root);
    this.base = resolveInside(this.root, destination.path || '.');
    this.description = `file://${this.base}`;
  }

  async putVerified(key: string, body: Buffer, _contentType: string, sha256Hex: string): Promise<Verification> {
    const file = await this.fileFor(key, true);
    const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      const handle = await fs.open(tmp, 'wx', 0o640);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, file);
      await syncDir(path.dirname(file));
    } catch (error) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw fsError(error, `write of ${key}`);
    }
    const stored = await this.get(key, body.byteLength + 1);
    if (createHash('sha256').update(stored).digest('hex') !== sha256Hex) {
      throw new StoreError(`${key}: the file read back differs from the one written`, false, 'mismatch');
    }
    return 'readback';
  }

  async get(key: string, maxBytes: number): Promise<Buffer> {
    const file = await this.fileFor(key, false);
    try {
      const stat = await fs.stat(file);
      if (stat.size > maxBytes) throw new StoreError(`${key}: ${stat.size} bytes, more than the ${maxBytes} allowed`, true, 'too_large');
      return await fs.readFile(file);
    } catch (error) {
      throw fsError(error, `read of ${key}`);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo[]> {
    const folderKey = prefix.endsWith('/') ? prefix : path.posix.dirname(prefix) + '/';
    const namePrefix = prefix.endsWith('/') ? '' : path.posix.basename(prefix);
    const dir = await this.fileFor(folderKey === './' ? '' : folderKey, false);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        yield [];
        return;
      }
      throw fsError(error, `listing of ${prefix}`);
    }
    const page: ObjectInfo[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!entry.isFile() || entry.name.includes('.tmp-') || !entry.name.startsWith(namePrefix)) continue;
      const stat = await fs.stat(path.join(dir, entry.name)).catch(() => undefined);
      if (stat) page.push({ key: `${folderKey === './' ? '' : folderKey}${entry.name}`, size: stat.size });
    }
    yield page;
  }

  async check(): Promise<void> {
    try {
      await fs.mkdir(this.base, { recursive: true });
      await this.assertReallyInside(this.base);
      await fs.access(this.base, fsConstants.W_OK | fsConstants.R_OK);
    } catch (error) {
      throw fsError(error, `folder ${this.base}`);
    }
  }

  close(): void {
    /* nothing held */
  }

  private async fileFor(key: string, create: boolean): Promise<string> {
    const file = resolveInside(this.base, key || '.');
    const dir = key === '' || key.endsWith('/') ? file : path.dirname(file);
    if (create) {
      try {
        await fs.mkdir(dir, { recursive: true });
      } catch (error) {
        throw fsError(error, `folder of ${key}`);
      }
    }
    await this.assertReallyInside(dir);
    return file;
  }

  /** The real path (symbolic links resolved) of the deepest existing ancestor must stay inside the root. */
  private async assertReallyInside(dir: string): Promise<void> {
    const realRoot = await fs.realpath(this.root).catch(() => this.root);
    for (let p = dir; ; p = path.dirname(p)) {
      let real: string;
      try {
        real = await fs.realpath(p);
      } catch {
        if (p === path.dirname(p)) return;
        continue;
      }
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new StoreError(`${dir} resolves outside the archive root`, true, 'outside_root');
      }
      return;
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fsError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  if (code === 'ENOENT') return new StoreError(`${what}: not found`, true, 'not_found', { cause: error });
  // A full disk or an I/O error may pass; a folder we may not write to will not.
  const permanent = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EISDIR';
  return new StoreError(`${what} failed: ${code}: ${(error as Error).message}`.slice(0, 500), permanent, permanent ? 'refused' : 'unavailable', { cause: error });
}
