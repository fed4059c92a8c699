// Small file-system and system helpers, standard library only.
import fs from 'node:fs';
import path from 'node:path';

export function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function safeReaddir(dir) {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export function listFiles(dir) {
  return safeReaddir(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return fs.statSync(file).isDirectory() ? listFiles(file) : [file];
  });
}

/** Readers never see half a file: write beside it, then rename over it. */
export function writeFileAtomic(file, text, options = {}) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, options);
  fs.renameSync(tmp, file);
}

export function existing(files) {
  return files.find((f) => fs.existsSync(f)) ?? null;
}

/** The first executable `name` on PATH (or on the given search path), else null. */
export function which(name, searchPath = process.env.PATH ?? '') {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

export function isRoot() {
  return process.getuid?.() === 0;
}

/** A user of /etc/passwd-format text by name: { name, uid, gid }, or null. */
export function userEntry(name, passwd = readText('/etc/passwd') ?? '') {
  const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

export function userOfUid(uid, passwd = readText('/etc/passwd') ?? '') {
  const line = passwd.split('\n').find((l) => l.split(':')[2] === String(uid));
  return line ? userEntry(line.split(':')[0], passwd) : null;
}

export function chown(file, owner) {
  if (owner && isRoot()) fs.chownSync(file, owner.uid, owner.gid);
}

export function rotateLog(file, maxBytes = 50 * 1024 * 1024) {
  try {
    if (fs.statSync(file).size > maxBytes) fs.renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
}

export function tail(text, lines = 25) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
