// Helpers of the clustered tests: the cluster-test profile's settings and URLs, its organisations,
// and the knobs a fault test turns (kill a NATS or OpenSearch node, a replica of a service; ask
// which node leads a stream or the OpenSearch cluster).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OrgKeys } from '../support/platform';
import { REPO_ROOT } from '../support/stack';

/** The profile global-setup.mjs brings up (tools/stack/profiles.json; also in profile.mjs). */
export const CLUSTER_PROFILE = 'cluster-test';

export interface ClusterEnv {
  NATS_URL: string;
  DATABASE_URL: string;
  OPENSEARCH_URL: string;
  JETSTREAM_REPLICAS: string;
  INDEX_REPLICAS: string;
}

const services = createRequire(__filename)(path.join(REPO_ROOT, 'tools', 'platform', 'services.cjs')) as {
  replicaUrls(profile: string): { ingest: string[]; query: string[]; auth: string[] };
  urls(profile: string): { ingest: string; query: string; auth: string };
  createOrg(env: object, org: string): OrgKeys;
  startService(profile: string, name: string, env: object, extra?: Record<string, string>): number;
  waitReady(profile: string, name: string, timeoutMs?: number): Promise<void>;
  stopService(profile: string, name: string, options?: { signal?: string; timeoutMs?: number }): Promise<void>;
  runningPid(profile: string, name: string): number | undefined;
  allInstances(profile: string): Array<{ name: string; service: string; replica: number }>;
};

/** What `up` wrote for the cluster-test profile (global-setup.mjs ran it). */
export function clusterEnv(): ClusterEnv {
  const file = path.join(REPO_ROOT, '.millrace', 'stack', CLUSTER_PROFILE, 'stack.json');
  if (!existsSync(file)) throw new Error(`the ${CLUSTER_PROFILE} stack is not up: run these tests with jest -c tests/e2e/jest.cluster.config.cjs`);
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterEnv;
}

/** Every node URL of a comma-separated setting. */
export function nodeUrls(setting: string): string[] {
  return setting.split(',').map((s) => s.trim());
}

/** Every replica's URL of the gateway, the query-api and auth. */
export function replicaUrls(): { ingest: string[]; query: string[]; auth: string[] } {
  return services.replicaUrls(CLUSTER_PROFILE);
}

export function createOrg(org: string): OrgKeys {
  return services.createOrg(clusterEnv(), org);
}

function stack(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'stack', 'stack.mjs'), ...args, '--profile', CLUSTER_PROFILE], { encoding: 'utf8' }).trim();
}

/** The node (`nats-2`) leading a stream, the JetStream meta group (`jetstream`) or OpenSearch (`opensearch`). */
export function leaderOf(what: string): string {
  return stack('leader', what);
}

/** Stop one server node (`nats-2`, `opensearch-1`), like a crash with `hard`. */
export function stopNode(node: string, { hard = false } = {}): void {
  stack('stop-one', node, ...(hard ? ['--hard'] : []));
}

export function startNode(node: string): void {
  stack('start-one', node);
}

/** Kill (SIGKILL) or stop one instance of a service (`indexer-2`), or all its replicas (`indexer`). */
export function stopInstance(name: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  return services.stopService(CLUSTER_PROFILE, name, { signal });
}

export async function startInstance(name: string, extra: Record<string, string> = {}): Promise<void> {
  services.startService(CLUSTER_PROFILE, name, clusterEnv(), extra);
  await services.waitReady(CLUSTER_PROFILE, name);
}

export function instances(): Array<{ name: string; service: string; replica: number }> {
  return services.allInstances(CLUSTER_PROFILE);
}

export function isRunning(name: string): boolean {
  return services.runningPid(CLUSTER_PROFILE, name) !== undefined;
}

/** What operator commands (the auth CLI) need to reach this profile. */
export function clusterTarget(): { profile: string; env: ClusterEnv } {
  return { profile: CLUSTER_PROFILE, env: clusterEnv() };
}
