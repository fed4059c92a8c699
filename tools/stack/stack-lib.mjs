// The local stack: real NATS (JetStream), PostgreSQL and OpenSearch servers on 127.0.0.1,
// installed on first use and run detached, one set per profile (dev, test, cluster, cluster-test).
// Plain Node.js 20 ESM, standard library only. CLI: tools/stack/stack.mjs. Docs: README.md here.
//
// This file is the public surface; the work is done by job in lib/:
//   lib/profiles.mjs      profiles (profiles.json) → nodes, ports, connection settings
//   lib/stack.mjs         up / down / startOne / stopOne / status over the nodes
//   lib/servers/*.mjs     one module per server: nats, postgres, opensearch
//   lib/installers/*.mjs  apt, Go + nats-server, JDK + Maven + the OpenSearch launcher, PostgreSQL
//   lib/process.mjs       detached processes, pid files, stopping, running commands, waiting
//   lib/lock.mjs          the cross-process lock
//   lib/state.mjs         the state folder: stack.env, stack.json, versions.json
//   lib/cluster.mjs       a running cluster's leaders, replicas and health (for fault tests)

export { VERSIONS, REPO_ROOT } from './lib/config.mjs';
export { PROFILES, SERVER_NAMES, connectionSettings, serverNodes, isClustered } from './lib/profiles.mjs';
export { up, down, startOne, stopOne, status } from './lib/stack.mjs';
export { readEnv } from './lib/state.mjs';
export {
  natsStreamInfo,
  natsStreamLeader,
  natsMetaLeader,
  openSearchHealth,
  openSearchClusterManager,
} from './lib/cluster.mjs';
