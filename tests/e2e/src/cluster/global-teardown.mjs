// Stops every service instance and the servers of the cluster-test profile (their data is kept),
// unless MILLRACE_CLUSTER_KEEP=1.
import { stopPlatform } from '../../../../tools/platform/platform.mjs';
import { CLUSTER_PROFILE } from './profile.mjs';

export default async function globalTeardown() {
  if (process.env.MILLRACE_CLUSTER_KEEP === '1') {
    process.stderr.write(`[cluster] MILLRACE_CLUSTER_KEEP=1: ${CLUSTER_PROFILE} left running\n`);
    return;
  }
  await stopPlatform(CLUSTER_PROFILE, { log: () => {} });
}
