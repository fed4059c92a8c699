// OpenSearch from its Maven Central jars (tools/stack/opensearch): one node with single-node
// discovery, or a small cluster whose nodes find each other on loopback.
import fs from 'node:fs';
import path from 'node:path';
import { HOST, OS_MAIN_CLASS, OS_PROJECT, TIMEOUT } from '../config.mjs';
import { ensureJava } from '../installers/java.mjs';
import { OS_CLASSPATH, ensureOpenSearchBuild } from '../installers/opensearch-build.mjs';
import { httpGet } from '../net.mjs';
import { processStatus, spawnDetached, stopNode, waitFor } from '../process.mjs';
import { nodesOf } from '../state.mjs';

export const opensearch = {
  kind: 'opensearch',

  status(ctx, node) {
    return processStatus(ctx.pidFile(node.name), osMarker(ctx, node), node.ports.http);
  },

  async start(ctx, node) {
    const jdk = await ensureJava(ctx);
    await ensureOpenSearchBuild(ctx, jdk);
    const home = osHome(ctx, node);
    for (const dir of ['data', 'logs', 'tmp']) fs.mkdirSync(path.join(home, dir), { recursive: true });
    const args = [...jvmOptions(home, jdk, ctx.def.opensearch.heap), '-cp', OS_CLASSPATH, OS_MAIN_CLASS, ...nodeSettings(ctx, node)];
    const pid = spawnDetached(jdk.java, args, { cwd: home, logFile: ctx.logFile(node.name), pidFile: ctx.pidFile(node.name) });
    await this.waitReady(ctx, node, pid);
  },

  /** Ready when the node answers cluster health yellow or green (in a cluster: once a manager is elected). */
  waitReady(ctx, node, pid) {
    const url = `http://${HOST}:${node.ports.http}/_cluster/health?wait_for_status=yellow&timeout=2s`;
    return waitFor(
      `OpenSearch ${node.name}`,
      async () => {
        const res = await httpGet(url, 5_000);
        return res.status === 200 && /"status":"(green|yellow)"/.test(res.body);
      },
      { timeoutMs: TIMEOUT.opensearchReady, intervalMs: 500, pid, logFile: ctx.logFile(node.name) },
    );
  },

  stop(ctx, node, opts = {}) {
    return stopNode(ctx, node, osMarker(ctx, node), opts);
  },
};

// The launcher class and this node's path.home, both on the java command line.
function osMarker(ctx, node) {
  return [OS_MAIN_CLASS, `path.home=${osHome(ctx, node)}`];
}

function osHome(ctx, node) {
  return path.join(ctx.state, node.name);
}

/** The node's name in OpenSearch (what _cat/nodes shows). */
export function osNodeName(profile, node) {
  return node.name === 'opensearch' ? `millrace-${profile}` : `millrace-${profile}-${node.name}`;
}

/** The node settings MillraceNode takes as key=value arguments. */
export function nodeSettings(ctx, node) {
  const home = osHome(ctx, node);
  const all = nodesOf(ctx, 'opensearch');
  const discovery = all.length > 1
    ? [
        // Every node is cluster-manager-eligible and holds data; they find each other on loopback.
        `discovery.seed_hosts=${all.map((n) => `${HOST}:${n.ports.transport}`).join(',')}`,
        // Only read when the cluster forms for the first time (empty data folders).
        `cluster.initial_cluster_manager_nodes=${all.map((n) => osNodeName(ctx.profile, n)).join(',')}`,
      ]
    : ['discovery.type=single-node'];
  return [
    `path.home=${home}`,
    `path.data=${path.join(home, 'data')}`,
    `path.logs=${path.join(home, 'logs')}`,
    `cluster.name=millrace-${ctx.profile}`,
    `node.name=${osNodeName(ctx.profile, node)}`,
    `network.host=${HOST}`,
    `http.port=${node.ports.http}`,
    `transport.port=${node.ports.transport}`,
    ...discovery,
    // A nearly full disk must not turn indices read-only under the tests.
    'cluster.routing.allocation.disk.threshold_enabled=false',
    // Tests create many small (one-shard) indices; the default 1000 per node is reached quickly.
    'cluster.max_shards_per_node=10000',
  ];
}

export function jvmOptions(home, jdk, heap) {
  return [
    ...heap,
    '-XX:+UseG1GC',
    '-XX:G1ReservePercent=25',
    '-XX:InitiatingHeapOccupancyPercent=30',
    `-Djava.io.tmpdir=${path.join(home, 'tmp')}`,
    `-XX:ErrorFile=${path.join(home, 'logs', 'hs_err_pid%p.log')}`,
    '-XX:+ShowCodeDetailsInExceptionMessages',
    '-Dfile.encoding=UTF-8',
    '-Djava.awt.headless=true',
    '-Djna.nosys=true',
    // What OpenSearch 2.x's own launcher sets for every node.
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dio.netty.allocator.numDirectArenas=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    '-Dlog4j2.formatMsgNoLookups=true',
    ...(jdk.major <= 22 ? ['-Djava.locale.providers=SPI,COMPAT'] : []),
    `-Dlog4j.configurationFile=${path.join(OS_PROJECT, 'log4j2.xml')}`,
  ];
}
