// nats-server at the pinned version: `go install` into .millrace/tools/bin, else Debian's package.
import fs from 'node:fs';
import path from 'node:path';
import { LOCKS_DIR, TIMEOUT, TOOLS_BIN, VERSIONS } from '../config.mjs';
import { which } from '../fsutil.mjs';
import { withLock } from '../lock.mjs';
import { run } from '../process.mjs';
import { aptInstall } from './apt.mjs';
import { ensureGo } from './go.mjs';

/** `nats-server --version` output → 'v2.12.15' or null. */
export function parseNatsVersion(text) {
  return /v\d+\.\d+\.\d+\S*/.exec(text ?? '')?.[0] ?? null;
}

export async function natsVersion(bin) {
  if (!bin || !fs.existsSync(bin)) return null;
  const { stdout, stderr } = await run(bin, ['--version'], { allowFail: true });
  return parseNatsVersion(stdout + stderr);
}

/** nats-server at the pinned version in .millrace/tools/bin (go install), else Debian's package. */
export async function ensureNats(ctx) {
  const bin = path.join(TOOLS_BIN, 'nats-server');
  const version = await natsVersion(bin);
  if (version === VERSIONS.natsServer) return recordNats(ctx, bin, version);

  return withLock(path.join(LOCKS_DIR, 'nats-server'), 'nats-server install', async () => {
    const again = await natsVersion(bin); // another process may have built it while we waited
    if (again === VERSIONS.natsServer) return recordNats(ctx, bin, again);

    const go = await ensureGo(ctx, VERSIONS.natsServerMinGo);
    if (go.fits) {
      ctx.log(`building nats-server ${VERSIONS.natsServer} with ${go.version} (go install, first run only)`);
      fs.mkdirSync(TOOLS_BIN, { recursive: true });
      await run(go.bin, ['install', `github.com/nats-io/nats-server/v2@${VERSIONS.natsServer}`], {
        // GOTOOLCHAIN=local: build with the Go that is here rather than fetching another one.
        env: { GOBIN: TOOLS_BIN, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
        timeoutMs: TIMEOUT.install,
      });
      return recordNats(ctx, bin, await natsVersion(bin));
    }

    const [major, minor] = VERSIONS.natsServerMinGo;
    ctx.log(`WARNING: ${go.version} is older than the Go ${major}.${minor} nats-server ${VERSIONS.natsServer} needs; using Debian's nats-server package instead`);
    if (!which('nats-server')) await aptInstall(ctx, ['nats-server'], 'NATS server');
    const debian = which('nats-server');
    return recordNats(ctx, debian, await natsVersion(debian));
  });
}

function recordNats(ctx, bin, version) {
  if (!version) throw new Error(`nats-server: no working binary at ${bin}`);
  ctx.versions['nats-server'] = version;
  return { bin, version };
}
