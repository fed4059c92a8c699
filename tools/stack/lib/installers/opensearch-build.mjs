// The OpenSearch launcher (tools/stack/opensearch): built from Maven Central artifacts by Maven
// into opensearch/target/ when the pom or the launcher source changed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LOCKS_DIR, OS_MAIN_CLASS, OS_PROJECT, OS_TARGET, TIMEOUT, VERSIONS } from '../config.mjs';
import { listFiles, readText, safeReaddir } from '../fsutil.mjs';
import { withLock } from '../lock.mjs';
import { run } from '../process.mjs';
import { ensureMaven } from './java.mjs';

/** The classpath of a built launcher. */
export const OS_CLASSPATH = `${path.join(OS_TARGET, 'classes')}:${path.join(OS_TARGET, 'dependency', '*')}`;

/** Builds the launcher and copies its jars when the pom or sources changed (or target/ is gone). */
export async function ensureOpenSearchBuild(ctx, jdk) {
  checkPomVersion(fs.readFileSync(path.join(OS_PROJECT, 'pom.xml'), 'utf8'));
  const stampFile = path.join(OS_TARGET, '.millrace-build');
  const isBuilt = () =>
    readText(stampFile) === buildFingerprint() &&
    fs.existsSync(path.join(OS_TARGET, 'classes', ...OS_MAIN_CLASS.split('.')) + '.class') &&
    builtOpenSearchVersion() !== null;

  if (!isBuilt()) {
    await withLock(path.join(LOCKS_DIR, 'opensearch-build'), 'OpenSearch build', async () => {
      if (isBuilt()) return;
      const mvn = await ensureMaven(ctx);
      ctx.log(`building the OpenSearch ${VERSIONS.opensearch} launcher with Maven (first run, or the pom changed)`);
      fs.rmSync(path.join(OS_TARGET, 'dependency'), { recursive: true, force: true }); // no stale jars of an older version
      await run(mvn, ['-q', '-B', 'package', 'dependency:copy-dependencies'], {
        cwd: OS_PROJECT,
        env: { JAVA_HOME: jdk.home },
        timeoutMs: TIMEOUT.install,
        what: 'OpenSearch: mvn build failed',
      });
      fs.writeFileSync(stampFile, buildFingerprint());
    });
  }
  ctx.versions.opensearch = builtOpenSearchVersion();
}

/** The pom must pin the version VERSIONS.opensearch names. */
export function checkPomVersion(pomText, version = VERSIONS.opensearch) {
  if (!pomText.includes(`<opensearch.version>${version}</opensearch.version>`)) {
    throw new Error(`OpenSearch: tools/stack/opensearch/pom.xml does not pin ${version} like VERSIONS.opensearch in tools/stack/lib/config.mjs`);
  }
}

/** A hash of the pom and the launcher sources: a change means a rebuild. */
export function buildFingerprint(project = OS_PROJECT) {
  const hash = crypto.createHash('sha256');
  const files = [path.join(project, 'pom.xml'), ...listFiles(path.join(project, 'src'))].sort();
  for (const file of files) hash.update(`${path.relative(project, file)}\0`).update(fs.readFileSync(file));
  return hash.digest('hex');
}

/** The version actually on the classpath, read off the copied jar's name. */
export function builtOpenSearchVersion(dependencyDir = path.join(OS_TARGET, 'dependency')) {
  return openSearchVersionOfJars(safeReaddir(dependencyDir));
}

export function openSearchVersionOfJars(jars) {
  for (const jar of jars) {
    const m = /^opensearch-(\d+\.\d+\.\d+)\.jar$/.exec(jar);
    if (m) return m[1];
  }
  return null;
}
