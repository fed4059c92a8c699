import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { FaultDriver, FaultTarget } from './schedule';

interface StackLib {
  serverNodes(profile: string): Array<{ kind: string; name: string }>;
  stopOne(profile: string, name: string, opts: { hard?: boolean; log?: (m: string) => void }): Promise<void>;
  startOne(profile: string, name: string, opts: { log?: (m: string) => void }): Promise<void>;
  readEnv(profile: string): Record<string, string>;
  natsStreamLeader(profile: string, stream: string): Promise<string>;
  openSearchClusterManager(profile: string): Promise<string>;
  openSearchHealth(profile: string): Promise<{ status: string; number_of_nodes: number; relocating_shards?: number; initializing_shards?: number }>;
}

interface Services {
  allInstances(profile: string): Array<{ name: string }>;
  runningPid(profile: string, name: string): number | undefined;
  stopService(profile: string, name: string, options: { signal: string }): Promise<void>;
  startService(profile: string, name: string, env: object): number;
  waitReady(profile: string, name: string, timeoutMs?: number): Promise<void>;
}

const PIPELINE_STREAMS = ['INGEST', 'PARSE', 'EVENTS'];

/**
 * The fault driver of the local profiles: server nodes through tools/stack (kill -9 and start
 * one node), service instances through tools/platform/services.cjs. Loaded from the repository
 * at run time: only `--faults` on a machine running a local profile needs it.
 */
export async function localFaultDriver(profile: string, repoRoot: string, log: (m: string) => void): Promise<FaultDriver> {
  const stack = (await import(pathToFileURL(path.join(repoRoot, 'tools', 'stack', 'stack-lib.mjs')).href)) as StackLib;
  const services = createRequire(__filename)(path.join(repoRoot, 'tools', 'platform', 'services.cjs')) as Services;
  const nodes = stack.serverNodes(profile);
  const quiet = { log: () => undefined };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // Whether a stream's replicas are current is known by its leader: ask the JetStream API (a
  // node's own monitoring view of the other followers is not).
  const nc = await connect({ servers: stack.readEnv(profile).NATS_URL.split(','), name: 'canary-faults', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const jsm = await jetstreamManager(nc, { timeout: 3000 });

  async function healthy(): Promise<string | undefined> {
    for (const stream of PIPELINE_STREAMS) {
      const info = await jsm.streams.info(stream).catch((e: Error) => e);
      if (info instanceof Error) return `${stream}: ${info.message.split('\n')[0]}`;
      const replicas = info.cluster?.replicas ?? [];
      if (replicas.length + 1 < info.config.num_replicas || replicas.some((r) => !r.current)) return `${stream} replicas not current`;
    }
    const health = await stack.openSearchHealth(profile).catch((e: Error) => e);
    if (health instanceof Error) return `OpenSearch: ${health.message.split('\n')[0]}`;
    if (health.status !== 'green') return `OpenSearch is ${health.status}`;
    const down = services.allInstances(profile).filter((i) => services.runningPid(profile, i.name) === undefined);
    if (down.length > 0) return `not running: ${down.map((i) => i.name).join(', ')}`;
    return undefined;
  }

  return {
    natsNodes: () => nodes.filter((n) => n.kind === 'nats').map((n) => n.name),
    openSearchNodes: () => nodes.filter((n) => n.kind === 'opensearch').map((n) => n.name),
    natsStreamLeader: (stream) => stack.natsStreamLeader(profile, stream),
    openSearchManager: () => stack.openSearchClusterManager(profile),
    async kill(target: FaultTarget) {
      if (target.kind === 'node') await stack.stopOne(profile, target.name, { hard: true, ...quiet });
      else await services.stopService(profile, target.name, { signal: 'SIGKILL' });
    },
    async restore(target: FaultTarget) {
      if (target.kind === 'node') await stack.startOne(profile, target.name, quiet);
      else {
        services.startService(profile, target.name, stack.readEnv(profile));
        await services.waitReady(profile, target.name);
      }
    },
    async close() {
      await nc.close();
    },
    async waitHealthy(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      let problem = await healthy();
      while (problem !== undefined) {
        if (Date.now() > deadline) throw new Error(`the ${profile} profile is not healthy after ${timeoutMs} ms: ${problem}`);
        await sleep(500);
        problem = await healthy();
      }
      log(`the ${profile} profile is healthy`);
    },
  };
}
