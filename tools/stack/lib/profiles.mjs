// Profiles: each has its own ports and state folder, so tests never meet a running dev stack.
// The data is tools/stack/profiles.json (also read by tools/platform/services.cjs); this module
// turns a profile into its server nodes, their ports and the connection settings.
import fs from 'node:fs';
import path from 'node:path';
import { HOST, MILLRACE_DIR, REPO_ROOT } from './config.mjs';

export const PROFILES_FILE = path.join(REPO_ROOT, 'tools', 'stack', 'profiles.json');
export const PROFILES = deepFreeze(JSON.parse(fs.readFileSync(PROFILES_FILE, 'utf8')));

/** The kinds of server; `stop-one`/`start-one` take a kind (all its nodes) or one node's name. */
export const SERVER_NAMES = Object.freeze(['nats', 'postgres', 'opensearch']);

const PG_ROLE = 'millrace'; // role, password and database

export function profileOf(profile, profiles = PROFILES) {
  const p = profiles[profile];
  if (!p) throw new Error(`unknown profile "${profile}" (use one of: ${Object.keys(profiles).join(', ')})`);
  return p;
}

export function isClustered(profile, profiles = PROFILES) {
  const p = profileOf(profile, profiles);
  return p.nats.nodes > 1 || p.opensearch.nodes > 1;
}

/**
 * The server nodes of a profile, in start order. A kind with one node is named after its kind
 * (`nats`, `opensearch`: the single-node layout); with several they are `nats-1`, `nats-2`, …
 * Node i listens on the profile's base port + i - 1.
 */
export function serverNodes(profile, profiles = PROFILES) {
  const p = profileOf(profile, profiles);
  const numbered = (kind, count, ports) =>
    Array.from({ length: count }, (_, i) => ({
      kind,
      name: count === 1 ? kind : `${kind}-${i + 1}`,
      index: i + 1,
      ports: ports(i),
    }));
  const nats = numbered('nats', p.nats.nodes, (i) => ({
    client: p.nats.client + i,
    monitor: p.nats.monitor + i,
    ...(p.nats.nodes > 1 ? { routes: p.nats.routes + i } : {}),
  }));
  const postgres = [{ kind: 'postgres', name: 'postgres', index: 1, ports: { client: p.postgres.port } }];
  const opensearch = numbered('opensearch', p.opensearch.nodes, (i) => ({
    client: p.opensearch.http + i,
    http: p.opensearch.http + i,
    transport: p.opensearch.transport + i,
  }));
  return [...nats, ...postgres, ...opensearch];
}

/** Nodes selected by a kind (`nats`: all its nodes) or a node name (`nats-2`). */
export function selectNodes(profile, name, profiles = PROFILES) {
  const nodes = serverNodes(profile, profiles);
  const picked = nodes.filter((n) => n.kind === name || n.name === name);
  if (picked.length === 0) {
    const names = [...new Set([...SERVER_NAMES, ...nodes.map((n) => n.name)])];
    throw new Error(`unknown server "${name}" (use one of: ${names.join(', ')})`);
  }
  return picked;
}

export function stateDir(profile, stateRoot = path.join(MILLRACE_DIR, 'stack'), profiles = PROFILES) {
  profileOf(profile, profiles);
  return path.join(stateRoot, profile);
}

/**
 * What services need to reach the profile's servers, whether or not they run: NATS_URL and
 * OPENSEARCH_URL list every node (comma-separated); a clustered profile also says how many
 * replicas streams and indices get.
 */
export function connectionSettings(profile, profiles = PROFILES) {
  const nodes = serverNodes(profile, profiles);
  const of = (kind) => nodes.filter((n) => n.kind === kind);
  const pg = of('postgres')[0];
  const settings = {
    NATS_URL: of('nats').map((n) => `nats://${HOST}:${n.ports.client}`).join(','),
    DATABASE_URL: `postgres://${PG_ROLE}:${PG_ROLE}@${HOST}:${pg.ports.client}/${PG_ROLE}`,
    OPENSEARCH_URL: of('opensearch').map((n) => `http://${HOST}:${n.ports.http}`).join(','),
  };
  const natsNodes = of('nats').length;
  const osNodes = of('opensearch').length;
  if (natsNodes > 1) settings.JETSTREAM_REPLICAS = String(Math.min(3, natsNodes));
  if (osNodes > 1) settings.INDEX_REPLICAS = String(Math.min(1, osNodes - 1));
  return settings;
}

/** Every port a profile's servers listen on, with who uses it (for clash checks). */
export function serverPorts(profile, profiles = PROFILES) {
  return serverNodes(profile, profiles).flatMap((n) => [...new Set(Object.values(n.ports))].map((port) => ({ port, owner: n.name })));
}

function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export { PG_ROLE };
