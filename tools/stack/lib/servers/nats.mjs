// NATS with JetStream: one node, or a cluster whose nodes route to each other on loopback.
import fs from 'node:fs';
import path from 'node:path';
import { HOST, TIMEOUT } from '../config.mjs';
import { ensureNats } from '../installers/nats-server.mjs';
import { httpGet } from '../net.mjs';
import { processStatus, spawnDetached, stopNode, waitFor } from '../process.mjs';
import { nodesOf } from '../state.mjs';

export const nats = {
  kind: 'nats',

  status(ctx, node) {
    return processStatus(ctx.pidFile(node.name), natsMarker(ctx, node), node.ports.client);
  },

  async start(ctx, node) {
    const { bin } = await ensureNats(ctx);
    const dir = natsDir(ctx, node);
    fs.mkdirSync(dir, { recursive: true });
    const conf = path.join(dir, 'nats.conf');
    fs.writeFileSync(conf, natsConfig(ctx, node, dir));
    const pid = spawnDetached(bin, ['-c', conf], { cwd: dir, logFile: ctx.logFile(node.name), pidFile: ctx.pidFile(node.name) });
    await this.waitReady(ctx, node, pid);
  },

  /**
   * A single node is ready once JetStream is on. A cluster node also needs the JetStream meta
   * group to have a leader it is current with (plain /healthz), which takes a quorum of nodes.
   */
  waitReady(ctx, node, pid) {
    const clustered = nodesOf(ctx, 'nats').length > 1;
    const url = `http://${HOST}:${node.ports.monitor}/healthz${clustered ? '' : '?js-enabled-only=true'}`;
    return waitFor(`NATS ${node.name}`, async () => (await httpGet(url)).status === 200, {
      timeoutMs: TIMEOUT.natsReady * (clustered ? 2 : 1),
      pid,
      logFile: ctx.logFile(node.name),
    });
  },

  stop(ctx, node, opts = {}) {
    return stopNode(ctx, node, natsMarker(ctx, node), opts);
  },
};

function natsDir(ctx, node) {
  return path.join(ctx.state, node.name);
}

/** The JetStream server name: the profile, and the node in a cluster. */
export function natsServerName(profile, node) {
  return node.name === 'nats' ? `millrace-${profile}` : `millrace-${profile}-${node.name}`;
}

// What this node's nats-server has in /proc/<pid>/cmdline (its config file is per profile and node).
function natsMarker(ctx, node) {
  return ['nats-server', `-c ${path.join(natsDir(ctx, node), 'nats.conf')}`];
}

/** The node's configuration file. In a cluster every node lists every route (its own is ignored). */
export function natsConfig(ctx, node, dir) {
  const lines = [
    '# Written by tools/stack (lib/servers/nats.mjs) at every start; edits are overwritten.',
    `server_name: "${natsServerName(ctx.profile, node)}"`,
    `listen: "${HOST}:${node.ports.client}"`,
    `http: "${HOST}:${node.ports.monitor}"`,
    '# File storage in the state dir, so streams survive stop-one/start-one.',
    `jetstream {\n  store_dir: "${dir}"\n}`,
  ];
  const all = nodesOf(ctx, 'nats');
  if (all.length > 1) {
    const routes = all.map((n) => `    "nats-route://${HOST}:${n.ports.routes}"`).join(',\n');
    lines.push(
      '# Routes on loopback only; JetStream replicates streams over them (Raft).',
      `cluster {\n  name: "millrace-${ctx.profile}"\n  listen: "${HOST}:${node.ports.routes}"\n  routes: [\n${routes}\n  ]\n}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
