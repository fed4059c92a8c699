// Orchestration of a profile's servers: up, down, one node at a time, status.
import { isClustered, selectNodes } from './profiles.mjs';
import { withLock } from './lock.mjs';
import { seconds } from './fsutil.mjs';
import { settleAll } from './process.mjs';
import { SERVERS } from './servers/index.mjs';
import { context, readVersions, writeEnv, writeVersions } from './state.mjs';
import { waitForCluster } from './cluster.mjs';

/** Installs what is missing, starts the profile's servers, waits until ready, writes stack.env. */
export async function up(profile = 'dev', opts = {}) {
  const ctx = context(profile, opts);
  return withLock(ctx.lockDir, `stack ${profile}`, async () => {
    const states = await statusAll(ctx);
    const toStart = ctx.nodes.filter((node) => states[node.name].state !== 'running');
    if (toStart.length === 0) {
      ctx.log(`${profile}: all servers already running`);
    } else {
      await startNodes(ctx, toStart, states);
    }
    if (isClustered(profile, opts.profiles)) await waitForCluster(ctx);
    const env = writeEnv(ctx);
    const versions = toStart.length ? writeVersions(ctx) : (readVersions(ctx) ?? writeVersions(ctx));
    return { profile, env, versions, started: toStart.map((node) => node.name) };
  });
}

/** Stops every server of the profile; leaves its data in place. */
export async function down(profile = 'dev', opts = {}) {
  const ctx = context(profile, opts);
  return withLock(ctx.lockDir, `stack ${profile}`, async () => {
    await settleAll(ctx.nodes.map((node) => SERVERS[node.kind].stop(ctx, node, opts)));
    return { profile, stopped: ctx.nodes.map((node) => node.name) };
  });
}

/** Starts a server (a kind: all its nodes, or one node such as `nats-2`) if it is not running. */
export async function startOne(profile, name, opts = {}) {
  const ctx = context(profile, opts);
  const nodes = selectNodes(profile, name, opts.profiles);
  return withLock(ctx.lockDir, `stack ${profile}`, async () => {
    const states = await statusAll(ctx);
    const toStart = nodes.filter((node) => states[node.name].state !== 'running');
    if (toStart.length === 0) ctx.log(`${name} already running`);
    else await startNodes(ctx, toStart, states);
    writeVersions(ctx);
    return writeEnv(ctx);
  });
}

/** Stops a server (kind or node); `opts.hard` kills it abruptly (SIGKILL / immediate) to simulate a crash. */
export async function stopOne(profile, name, opts = {}) {
  const ctx = context(profile, opts);
  const nodes = selectNodes(profile, name, opts.profiles);
  return withLock(ctx.lockDir, `stack ${profile}`, () => settleAll(nodes.map((node) => SERVERS[node.kind].stop(ctx, node, opts))));
}

/** Reports each node: running | stopped | starting (process up, port not yet) | foreign. */
export async function status(profile = 'dev', opts = {}) {
  const ctx = context(profile, opts);
  const states = await statusAll(ctx);
  return ctx.nodes.map((node) => ({ name: node.name, kind: node.kind, ...states[node.name], log: ctx.logFile(node.name) }));
}

async function statusAll(ctx) {
  const entries = await Promise.all(ctx.nodes.map(async (node) => [node.name, await SERVERS[node.kind].status(ctx, node)]));
  return Object.fromEntries(entries);
}

async function startNodes(ctx, nodes, states) {
  const started = Date.now();
  // Each node installs and starts on its own, so a slow build of one does not hold up the others
  // (and the nodes of a cluster find each other while they start).
  await settleAll(
    nodes.map(async (node) => {
      const server = SERVERS[node.kind];
      const { state, pid, port } = states[node.name];
      if (state === 'foreign') {
        throw new Error(`${node.name}: port ${port} is taken by a process this stack did not start (see: ss -ltnp)`);
      }
      if (state === 'starting') {
        ctx.log(`${node.name}: process ${pid} is up but not answering yet; waiting for it`);
        return server.waitReady(ctx, node, pid);
      }
      const t0 = Date.now();
      await server.start(ctx, node);
      ctx.log(`${node.name}: ready in ${seconds(Date.now() - t0)}`);
    }),
  );
  ctx.log(`${ctx.profile}: started ${nodes.map((n) => n.name).join(', ')} in ${seconds(Date.now() - started)}`);
}
