// Brings the cluster-test profile up for the clustered tests: its servers (three NATS nodes, two
// OpenSearch nodes, PostgreSQL), the migrations, and every service instance (restarting any left
// over from an earlier run). Writes how long each step took to .millrace/stack/cluster-test/startup.json.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startPlatform } from '../../../../tools/platform/platform.mjs';
import { CLUSTER_PROFILE } from './profile.mjs';

const require = createRequire(import.meta.url);
const services = require('../../../../tools/platform/services.cjs');

export default async function globalSetup() {
  await services.stopAll(CLUSTER_PROFILE);
  const { timings } = await startPlatform(CLUSTER_PROFILE, { log: (msg) => process.stderr.write(`[cluster] ${msg}\n`) });
  const seconds = Object.fromEntries(Object.entries(timings).map(([k, ms]) => [k, Math.round(ms / 100) / 10]));
  const instances = services.allInstances(CLUSTER_PROFILE).length;
  process.stderr.write(
    `[cluster] ${CLUSTER_PROFILE} up in ${seconds.total} s: servers ${seconds.servers} s, migrations ${seconds.migrations} s, ${instances} service instances ${seconds.services} s\n`,
  );
  const file = path.join(services.REPO_ROOT, '.millrace', 'stack', CLUSTER_PROFILE, 'startup.json');
  fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), instances, seconds }, null, 2)}\n`);
}
