// What a running (clustered) profile looks like from inside: which NATS node leads a stream or the
// JetStream meta group, how many replicas a stream has, OpenSearch's health and elected cluster
// manager. Read over the servers' HTTP endpoints, so fault tests can pick a node to kill.
import { HOST, TIMEOUT } from './config.mjs';
import { httpGetJson } from './net.mjs';
import { waitFor } from './process.mjs';
import { natsServerName } from './servers/nats.mjs';
import { osNodeName } from './servers/opensearch.mjs';
import { context, nodesOf } from './state.mjs';

/** The first answer of the nodes of a kind, in order (a stopped node is skipped). */
async function firstAnswer(nodes, ask) {
  const errors = [];
  for (const node of nodes) {
    try {
      return await ask(node);
    } catch (error) {
      errors.push(`${node.name}: ${error.message}`);
    }
  }
  throw new Error(`no node answered:\n${errors.join('\n')}`);
}

/** Maps a NATS server name (millrace-cluster-nats-2) back to its node name (nats-2). */
export function natsNodeOfServer(ctx, serverName) {
  return nodesOf(ctx, 'nats').find((n) => natsServerName(ctx.profile, n) === serverName)?.name ?? serverName;
}

export function osNodeOfName(ctx, nodeName) {
  return nodesOf(ctx, 'opensearch').find((n) => osNodeName(ctx.profile, n) === nodeName)?.name ?? nodeName;
}

/** The JetStream meta group as one node sees it: { leader, size, current } (null when not clustered). */
export function metaGroupOf(jsz) {
  const meta = jsz?.meta_cluster;
  if (!meta?.leader) return null;
  const others = meta.replicas ?? [];
  return { leader: meta.leader, size: meta.cluster_size ?? others.length + 1, current: others.every((r) => r.current) };
}

/** A stream's placement in a /jsz?streams=true answer: { leader, followers, replicas, messages } or null. */
export function streamOf(jsz, stream) {
  for (const account of jsz?.account_details ?? []) {
    for (const detail of account.stream_detail ?? []) {
      if (detail.name !== stream) continue;
      const followers = (detail.cluster?.replicas ?? []).map((r) => ({ name: r.name, current: !!r.current, lag: r.lag ?? 0 }));
      return {
        leader: detail.cluster?.leader ?? null,
        followers,
        replicas: detail.config?.num_replicas ?? followers.length + 1,
        messages: detail.state?.messages ?? 0,
      };
    }
  }
  return null;
}

/** Where a stream lives: its leader node, its followers (node names), its configured replicas. */
export async function natsStreamInfo(profile, stream, opts = {}) {
  const ctx = context(profile, opts);
  return firstAnswer(nodesOf(ctx, 'nats'), async (node) => {
    const jsz = await httpGetJson(`http://${HOST}:${node.ports.monitor}/jsz?accounts=true&streams=true&config=true`);
    const info = streamOf(jsz, stream);
    if (!info) throw new Error(`no stream ${stream} on this node`);
    if (!info.leader) throw new Error(`stream ${stream} has no leader in this node's view`);
    return {
      stream,
      leader: natsNodeOfServer(ctx, info.leader),
      followers: info.followers.map((f) => ({ ...f, name: natsNodeOfServer(ctx, f.name) })),
      replicas: info.replicas,
      messages: info.messages,
    };
  });
}

/** The node leading a stream (e.g. `nats-2`): the one to kill for a leader-failure test. */
export async function natsStreamLeader(profile, stream, opts = {}) {
  return (await natsStreamInfo(profile, stream, opts)).leader;
}

/** The node leading the JetStream meta group. */
export async function natsMetaLeader(profile, opts = {}) {
  const ctx = context(profile, opts);
  return firstAnswer(nodesOf(ctx, 'nats'), async (node) => {
    const meta = metaGroupOf(await httpGetJson(`http://${HOST}:${node.ports.monitor}/jsz`));
    if (!meta) throw new Error('no meta leader');
    return natsNodeOfServer(ctx, meta.leader);
  });
}

/** OpenSearch's _cluster/health, asked of the first node that answers. */
export async function openSearchHealth(profile, opts = {}) {
  const ctx = context(profile, opts);
  return firstAnswer(nodesOf(ctx, 'opensearch'), (node) => httpGetJson(`http://${HOST}:${node.ports.http}/_cluster/health`, 5_000));
}

/** The elected cluster manager's node name (e.g. `opensearch-1`). */
export async function openSearchClusterManager(profile, opts = {}) {
  const ctx = context(profile, opts);
  return firstAnswer(nodesOf(ctx, 'opensearch'), async (node) => {
    const rows = await httpGetJson(`http://${HOST}:${node.ports.http}/_cat/cluster_manager?format=json`, 5_000);
    if (!rows[0]?.node) throw new Error('no elected cluster manager');
    return osNodeOfName(ctx, rows[0].node);
  });
}

/**
 * After the nodes answer one by one: the cluster is whole. Every NATS node sees a meta leader
 * and all peers current; OpenSearch counts all its nodes.
 */
export async function waitForCluster(ctx) {
  const nats = nodesOf(ctx, 'nats');
  if (nats.length > 1) {
    await waitFor(
      `the NATS cluster (${nats.length} nodes)`,
      async () => {
        for (const node of nats) {
          const meta = metaGroupOf(await httpGetJson(`http://${HOST}:${node.ports.monitor}/jsz`));
          if (!meta || meta.size < nats.length || !meta.current) return false;
        }
        return true;
      },
      { timeoutMs: TIMEOUT.natsReady * 2, intervalMs: 250, logFile: ctx.logFile(nats[0].name) },
    );
  }
  const os = nodesOf(ctx, 'opensearch');
  if (os.length > 1) {
    await waitFor(
      `the OpenSearch cluster (${os.length} nodes)`,
      async () => {
        const health = await httpGetJson(`http://${HOST}:${os[0].ports.http}/_cluster/health?wait_for_nodes=${os.length}&timeout=2s`, 5_000);
        return health.number_of_nodes === os.length && health.status !== 'red';
      },
      { timeoutMs: TIMEOUT.opensearchReady, intervalMs: 500, logFile: ctx.logFile(os[0].name) },
    );
  }
}
