// Debian packages, when the machine lacks a tool (needs root).
import { TIMEOUT } from '../config.mjs';
import { isRoot } from '../fsutil.mjs';
import { run } from '../process.mjs';

let aptQueue = Promise.resolve();
let aptUpdated = false;

/** apt-get install, one at a time (dpkg has a single lock), `apt-get update` once per run. */
export function aptInstall(ctx, packages, why) {
  const task = aptQueue.then(async () => {
    if (!isRoot()) throw new Error(`${why}: please install ${packages.join(' ')} (apt-get needs root)`);
    ctx.log(`installing ${packages.join(' ')} with apt-get (${why})`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    const wait = ['-o', 'DPkg::Lock::Timeout=600'];
    if (!aptUpdated) await run('apt-get', [...wait, 'update'], { env, timeoutMs: TIMEOUT.install });
    aptUpdated = true;
    await run('apt-get', [...wait, 'install', '-y', '--no-install-recommends', ...packages], { env, timeoutMs: TIMEOUT.install });
  });
  aptQueue = task.catch(() => {});
  return task;
}
