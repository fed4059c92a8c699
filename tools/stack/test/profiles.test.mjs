import { PROFILES, connectionSettings, isClustered, selectNodes, serverNodes, serverPorts, stateDir } from '../lib/profiles.mjs';

const EPHEMERAL_LOW = 32768; // Linux's default ip_local_port_range starts here: outgoing connections use those

describe('profiles', () => {
  it('keeps the single-node layout of dev and test: one node per kind, named after it', () => {
    expect(serverNodes('test').map((n) => [n.name, n.ports.client])).toEqual([
      ['nats', 24222],
      ['postgres', 25432],
      ['opensearch', 29200],
    ]);
    expect(isClustered('dev')).toBe(false);
    expect(isClustered('test')).toBe(false);
  });

  it('numbers the nodes of a cluster from the base ports', () => {
    const nodes = serverNodes('cluster');
    expect(nodes.map((n) => n.name)).toEqual(['nats-1', 'nats-2', 'nats-3', 'postgres', 'opensearch-1', 'opensearch-2']);
    expect(nodes.filter((n) => n.kind === 'nats').map((n) => n.ports)).toEqual([
      { client: 30421, monitor: 30821, routes: 30621 },
      { client: 30422, monitor: 30822, routes: 30622 },
      { client: 30423, monitor: 30823, routes: 30623 },
    ]);
    expect(nodes.filter((n) => n.kind === 'opensearch').map((n) => [n.ports.http, n.ports.transport])).toEqual([
      [30920, 30930],
      [30921, 30931],
    ]);
    expect(isClustered('cluster')).toBe(true);
  });

  it.each(Object.keys(PROFILES))('gives every server of %s its own loopback port below the ephemeral range', (profile) => {
    const ports = serverPorts(profile).map((p) => p.port);
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeLessThan(EPHEMERAL_LOW);
  });

  it('lets every profile run beside every other: no port is in two profiles', () => {
    const owner = new Map();
    for (const profile of Object.keys(PROFILES)) {
      for (const { port } of serverPorts(profile)) {
        expect(owner.get(port) ?? profile).toBe(profile);
        owner.set(port, profile);
      }
    }
  });

  it('connects single-node profiles to one URL each, as before', () => {
    expect(connectionSettings('test')).toEqual({
      NATS_URL: 'nats://127.0.0.1:24222',
      DATABASE_URL: 'postgres://millrace:millrace@127.0.0.1:25432/millrace',
      OPENSEARCH_URL: 'http://127.0.0.1:29200',
    });
  });

  it('lists every node of a cluster and asks for 3 stream replicas and 1 index replica', () => {
    expect(connectionSettings('cluster-test')).toEqual({
      NATS_URL: 'nats://127.0.0.1:31421,nats://127.0.0.1:31422,nats://127.0.0.1:31423',
      DATABASE_URL: 'postgres://millrace:millrace@127.0.0.1:31432/millrace',
      OPENSEARCH_URL: 'http://127.0.0.1:31920,http://127.0.0.1:31921',
      JETSTREAM_REPLICAS: '3',
      INDEX_REPLICAS: '1',
    });
  });

  it('selects a whole kind or one node, and names the choices for a wrong name', () => {
    expect(selectNodes('cluster', 'nats').map((n) => n.name)).toEqual(['nats-1', 'nats-2', 'nats-3']);
    expect(selectNodes('cluster', 'opensearch-2').map((n) => n.name)).toEqual(['opensearch-2']);
    expect(selectNodes('dev', 'postgres').map((n) => n.name)).toEqual(['postgres']);
    expect(() => selectNodes('dev', 'nats-2')).toThrow('unknown server "nats-2" (use one of: nats, postgres, opensearch)');
    expect(() => selectNodes('cluster', 'redis')).toThrow(/use one of: nats, postgres, opensearch, nats-1, nats-2, nats-3, opensearch-1, opensearch-2/);
  });

  it('refuses an unknown profile, naming the known ones', () => {
    expect(() => serverNodes('prod')).toThrow('unknown profile "prod" (use one of: dev, test, cluster, cluster-test)');
    expect(() => stateDir('prod')).toThrow(/unknown profile/);
  });

  it('keeps each profile in its own state folder', () => {
    expect(stateDir('cluster', '/x/stack')).toBe('/x/stack/cluster');
  });

  it('accepts a profiles table of its own (the shape profiles.json has)', () => {
    const profiles = {
      five: {
        nats: { client: 100, monitor: 200, routes: 300, nodes: 5 },
        postgres: { port: 400 },
        opensearch: { http: 500, transport: 600, nodes: 3, heap: [] },
        services: { portBase: 1000, replicas: 3 },
      },
    };
    expect(connectionSettings('five', profiles)).toMatchObject({ JETSTREAM_REPLICAS: '3', INDEX_REPLICAS: '1' });
    expect(serverNodes('five', profiles).map((n) => n.name)).toContain('nats-5');
  });
});
