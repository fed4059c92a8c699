// A JDK whose major version OpenSearch 2.x supports, and Maven, to build the OpenSearch launcher.
import fs from 'node:fs';
import path from 'node:path';
import { VERSIONS } from '../config.mjs';
import { safeReaddir, which } from '../fsutil.mjs';
import { run } from '../process.mjs';
import { aptInstall } from './apt.mjs';

const JVM_DIR = '/usr/lib/jvm';

/** `java -version` output → { version: '17.0.13', major: 17 } or null. */
export function parseJavaVersion(text) {
  const m = /version "((\d+)[^"]*)"/.exec(text ?? '');
  if (!m) return null;
  // Java 8 and older report "1.8.0_x": their major is the second number.
  const major = m[2] === '1' ? Number(/^1\.(\d+)/.exec(m[1])?.[1] ?? 1) : Number(m[2]);
  return { version: m[1], major };
}

export function jdkFits(parsed, [lo, hi] = VERSIONS.jdkMajors) {
  return !!parsed && parsed.major >= lo && parsed.major <= hi;
}

/** `java` on PATH, then /usr/lib/jvm (newest first), then apt-get install openjdk-17-jdk-headless. */
export async function ensureJava(ctx) {
  let jdk = await findJdk();
  if (!jdk) {
    await aptInstall(ctx, ['openjdk-17-jdk-headless'], 'a JDK for OpenSearch');
    jdk = await findJdk();
  }
  const [lo, hi] = VERSIONS.jdkMajors;
  if (!jdk) throw new Error(`OpenSearch: no JDK ${lo}-${hi} with javac found, even after apt-get install openjdk-17-jdk-headless`);
  ctx.versions.jdk = jdk.version;
  return jdk;
}

async function findJdk() {
  const candidates = [which('java'), ...safeReaddir(JVM_DIR).sort().reverse().map((d) => path.join(JVM_DIR, d, 'bin', 'java'))];
  const seen = new Set();
  for (const candidate of candidates) {
    if (!candidate || !fs.existsSync(candidate)) continue;
    const java = fs.realpathSync(candidate);
    if (seen.has(java)) continue;
    seen.add(java);
    const home = path.dirname(path.dirname(java));
    if (!fs.existsSync(path.join(home, 'bin', 'javac'))) continue; // a JRE cannot build the launcher
    const { stdout, stderr } = await run(java, ['-version'], { allowFail: true });
    const parsed = parseJavaVersion(stdout + stderr);
    if (jdkFits(parsed)) return { java, home, ...parsed };
  }
  return null;
}

export async function ensureMaven(ctx) {
  if (!which('mvn')) await aptInstall(ctx, ['maven'], 'Maven, to build the OpenSearch launcher');
  const mvn = which('mvn');
  if (!mvn) throw new Error('OpenSearch: mvn not found after apt-get install maven');
  return mvn;
}
