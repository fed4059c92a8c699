// The machine's Go toolchain, for `go install` of nats-server (and versitygw, helm elsewhere).
import { existing, which } from '../fsutil.mjs';
import { run } from '../process.mjs';
import { aptInstall } from './apt.mjs';

const GO_DIRS = ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'];

/** `go` on PATH or in the usual install folders, else null. */
export function findGo() {
  return which('go') ?? existing(GO_DIRS);
}

/** `go version` output → { version: 'go1.25.3', major, minor } or null. */
export function parseGoVersion(text) {
  const m = /go(\d+)\.(\d+)(\.\d+)?/.exec(text ?? '');
  return m ? { version: m[0], major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** Is a parsed Go version at least [major, minor]? */
export function goFits(parsed, [minMajor, minMinor]) {
  return !!parsed && (parsed.major > minMajor || (parsed.major === minMajor && parsed.minor >= minMinor));
}

/** The Go to build with (apt-get install golang-go if none): { bin, version, fits }. */
export async function ensureGo(ctx, minimum) {
  let bin = findGo();
  if (!bin) {
    await aptInstall(ctx, ['golang-go'], 'Go, to build nats-server');
    bin = findGo();
  }
  if (!bin) throw new Error('go: not found after apt-get install golang-go');
  const { stdout } = await run(bin, ['version']);
  const parsed = parseGoVersion(stdout);
  return { bin, version: parsed?.version ?? stdout.trim(), fits: goFits(parsed, minimum) };
}
