import path from 'node:path';
import { natsConfig, natsServerName } from '../lib/servers/nats.mjs';
import { jvmOptions, nodeSettings, osNodeName } from '../lib/servers/opensearch.mjs';
import { canEnter, pgConfigText, pgSocketDir } from '../lib/servers/postgres.mjs';
import { context } from '../lib/state.mjs';

const ctxOf = (profile) => context(profile, { stateRoot: '/state', log: () => {} });
const node = (ctx, name) => ctx.nodes.find((n) => n.name === name);

describe('NATS configuration', () => {
  it('runs a single node with JetStream on loopback and no cluster block', () => {
    const ctx = ctxOf('test');
    const text = natsConfig(ctx, node(ctx, 'nats'), '/state/test/nats');
    expect(text).toContain('server_name: "millrace-test"');
    expect(text).toContain('listen: "127.0.0.1:24222"');
    expect(text).toContain('http: "127.0.0.1:28222"');
    expect(text).toContain('store_dir: "/state/test/nats"');
    expect(text).not.toContain('cluster {');
  });

  it('gives each cluster node its own name and ports, and every node all three routes', () => {
    const ctx = ctxOf('cluster');
    const texts = ['nats-1', 'nats-2', 'nats-3'].map((name) => natsConfig(ctx, node(ctx, name), `/state/cluster/${name}`));
    expect(texts[1]).toContain('server_name: "millrace-cluster-nats-2"');
    expect(texts[1]).toContain('listen: "127.0.0.1:30422"');
    expect(texts[1]).toContain('listen: "127.0.0.1:30622"');
    expect(texts[1]).toContain('name: "millrace-cluster"');
    for (const text of texts) {
      for (const port of [30621, 30622, 30623]) expect(text).toContain(`"nats-route://127.0.0.1:${port}"`);
    }
    expect(new Set(ctx.nodes.filter((n) => n.kind === 'nats').map((n) => natsServerName('cluster', n))).size).toBe(3);
  });
});

describe('OpenSearch node settings', () => {
  const settingsOf = (profile, name) => {
    const ctx = ctxOf(profile);
    return Object.fromEntries(nodeSettings(ctx, node(ctx, name)).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  };

  it('runs single-node discovery in the single-node profiles', () => {
    const s = settingsOf('dev', 'opensearch');
    expect(s['discovery.type']).toBe('single-node');
    expect(s['node.name']).toBe('millrace-dev');
    expect(s['http.port']).toBe('19200');
    expect(s['path.home']).toBe(path.join('/state', 'dev', 'opensearch'));
  });

  it('joins the cluster nodes on loopback with distinct ports and one bootstrap list', () => {
    const one = settingsOf('cluster', 'opensearch-1');
    const two = settingsOf('cluster', 'opensearch-2');
    expect(one['discovery.type']).toBeUndefined();
    expect(one['cluster.name']).toBe('millrace-cluster');
    expect(two['cluster.name']).toBe('millrace-cluster');
    expect([one['http.port'], two['http.port']]).toEqual(['30920', '30921']);
    expect([one['transport.port'], two['transport.port']]).toEqual(['30930', '30931']);
    expect(one['discovery.seed_hosts']).toBe('127.0.0.1:30930,127.0.0.1:30931');
    expect(one['cluster.initial_cluster_manager_nodes']).toBe('millrace-cluster-opensearch-1,millrace-cluster-opensearch-2');
    expect(two['cluster.initial_cluster_manager_nodes']).toBe(one['cluster.initial_cluster_manager_nodes']);
    expect(one['node.name']).toBe(osNodeName('cluster', { name: 'opensearch-1' }));
    expect(one['path.data']).not.toBe(two['path.data']);
  });

  it('takes the heap from the profile: small heaps in a cluster', () => {
    const jdk = { major: 17 };
    expect(jvmOptions('/h', jdk, ctxOf('cluster').def.opensearch.heap).slice(0, 2)).toEqual(['-Xms384m', '-Xmx512m']);
    expect(jvmOptions('/h', jdk, ctxOf('dev').def.opensearch.heap).slice(0, 2)).toEqual(['-Xms512m', '-Xmx1g']);
    expect(jvmOptions('/h', { major: 23 }, [])).not.toContain('-Djava.locale.providers=SPI,COMPAT');
  });
});

describe('PostgreSQL configuration', () => {
  it('listens on loopback on the profile port, and skips fsync only for throwaway data', () => {
    const durable = pgConfigText({ port: 15432, sockets: '/s', throwawayData: false });
    expect(durable).toContain("listen_addresses = '127.0.0.1'");
    expect(durable).toContain('port = 15432');
    expect(durable).toContain("unix_socket_directories = '/s'");
    expect(durable).not.toContain('fsync = off');
    expect(pgConfigText({ port: 25432, sockets: '/s', throwawayData: true })).toContain('fsync = off');
  });

  it('keeps the Unix socket path short enough for the kernel', () => {
    expect(pgSocketDir('test', '/repo/.millrace/stack/test/postgres', 25432)).toBe('/repo/.millrace/stack/test/postgres/run');
    const deep = `/${'d'.repeat(120)}/postgres`;
    const dir = pgSocketDir('test', deep, 25432);
    expect(dir).toMatch(/^\/tmp\/millrace-pg-test-[0-9a-f]{8}$/);
    expect(pgSocketDir('test', deep, 25432)).toBe(dir);
  });

  it('checks folder search permission for the PostgreSQL user', () => {
    const owner = { uid: 100, gid: 200 };
    expect(canEnter({ mode: 0o701, uid: 0, gid: 0 }, owner)).toBe(true);
    expect(canEnter({ mode: 0o700, uid: 100, gid: 0 }, owner)).toBe(true);
    expect(canEnter({ mode: 0o710, uid: 0, gid: 200 }, owner)).toBe(true);
    expect(canEnter({ mode: 0o770, uid: 0, gid: 0 }, owner)).toBe(false);
  });
});
