// Constants of the local stack: pinned versions, where things live, how long to wait.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---- Pinned versions: change them here (OpenSearch's is also in opensearch/pom.xml) ----------
export const VERSIONS = Object.freeze({
  // Built with `go install`; its go.mod asks for Go >= 1.25.
  natsServer: 'v2.12.15',
  natsServerMinGo: [1, 25],
  // Maven Central artifacts, run by opensearch/src/.../MillraceNode.java. 2.x runs on JDK 11-21.
  opensearch: '2.19.6',
  jdkMajors: [11, 21],
});

/** Every server listens on loopback only. */
export const HOST = '127.0.0.1';

export const TIMEOUT = Object.freeze({
  install: 20 * 60_000, // apt-get, go install, mvn on a cold machine
  command: 60_000,
  natsReady: 30_000,
  postgresStart: 90_000,
  opensearchReady: 180_000,
  stop: 30_000,
  portClose: 10_000,
  lock: 30 * 60_000,
});

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const MILLRACE_DIR = path.join(REPO_ROOT, '.millrace');
export const TOOLS_DIR = path.join(MILLRACE_DIR, 'tools');
export const TOOLS_BIN = path.join(TOOLS_DIR, 'bin');
export const LOCKS_DIR = path.join(TOOLS_DIR, 'locks');
export const OS_PROJECT = path.join(REPO_ROOT, 'tools', 'stack', 'opensearch');
export const OS_TARGET = path.join(OS_PROJECT, 'target');
export const OS_MAIN_CLASS = 'dev.millrace.stack.MillraceNode';
