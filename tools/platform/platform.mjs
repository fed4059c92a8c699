// The whole local platform of a profile: its servers (tools/stack) and its services
// (services.cjs), up and down in one call. Used by `npm start`, `npm test` and the cluster tests.
import { createRequire } from 'node:module';
import { down, up } from '../stack/stack-lib.mjs';

const require = createRequire(import.meta.url);
const services = require('./services.cjs');

/**
 * Starts the profile's servers (installing what is missing), applies migrations, starts every
 * service instance and waits until each is ready. Returns the stack settings and how long each
 * step took (ms).
 */
export async function startPlatform(profile, { log } = {}) {
  const t0 = Date.now();
  const { env } = await up(profile, log ? { log } : {});
  const t1 = Date.now();
  services.migrate(env);
  const t2 = Date.now();
  await services.startAll(profile, env);
  const t3 = Date.now();
  return { env, timings: { servers: t1 - t0, migrations: t2 - t1, services: t3 - t2, total: t3 - t0 } };
}

/** Stops every service instance of the profile, then its servers (their data is kept). */
export async function stopPlatform(profile, { log } = {}) {
  await services.stopAll(profile);
  await down(profile, log ? { log } : {});
}
