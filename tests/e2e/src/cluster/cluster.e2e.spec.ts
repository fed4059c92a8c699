// The clustered profile as the README recommends deploying Millrace: three NATS nodes with every
// stream on three replicas, two OpenSearch nodes with a replica of every shard, two replicas of
// each pipeline service and of the query-api. Lines go in through each gateway replica and are
// found, once each, through each query-api replica; JetStream and OpenSearch are asked directly
// how their data is placed.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from '../support/http';
import { uniqueOrg, type OrgKeys } from '../support/platform';
import { CLUSTER_PROFILE, clusterEnv, createOrg, instances, isRunning, leaderOf, nodeUrls, replicaUrls, type ClusterEnv } from './support';

const PIPELINE_STREAMS = ['INGEST', 'PARSE', 'EVENTS', 'DLQ'];
const LINES_PER_GATEWAY = 40;

let env: ClusterEnv;
let org: OrgKeys;
let nc: NatsConnection;
let jsm: JetStreamManager;

/** millrace-cluster-test-nats-2 → nats-2 (the stack's node names). */
const nodeOf = (server: string | undefined) => String(server).replace(`millrace-${CLUSTER_PROFILE}-`, '');

async function search(queryUrl: string, q: string): Promise<LogEvent[]> {
  const reply = await request<{ events: LogEvent[] }>('GET', `${queryUrl}/v1/search?q=${encodeURIComponent(q)}&limit=1000&from=-1h`, { key: org.readKey });
  if (reply.status !== 200) throw new Error(`search on ${queryUrl} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.events;
}

async function openSearch<T>(pathAndQuery: string): Promise<T> {
  const reply = await request<T>('GET', `${nodeUrls(env.OPENSEARCH_URL)[0]}${pathAndQuery}`);
  if (reply.status !== 200) throw new Error(`OpenSearch ${pathAndQuery} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

beforeAll(async () => {
  env = clusterEnv();
  org = createOrg(uniqueOrg('cluster'));
  nc = await connect({ servers: nodeUrls(env.NATS_URL), name: 'e2e-cluster-inspector', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await nc?.drain().catch(() => undefined);
});

describe('the clustered profile', () => {
  it('runs two replicas of each pipeline service, of the query-api and of auth, one of the others', () => {
    const running = instances().filter((i) => isRunning(i.name));
    expect(running.map((i) => i.name).sort()).toEqual(instances().map((i) => i.name).sort());
    const replicas = (service: string) => running.filter((i) => i.service === service).length;
    for (const service of ['ingest-gateway', 'broker-router', 'parser-worker', 'indexer', 'query-api', 'auth']) expect(replicas(service)).toBe(2);
    for (const service of ['alerter', 'archiver']) expect(replicas(service)).toBe(1);
    expect(env).toMatchObject({ JETSTREAM_REPLICAS: '3', INDEX_REPLICAS: '1' });
    expect(nodeUrls(env.NATS_URL)).toHaveLength(3);
    expect(nodeUrls(env.OPENSEARCH_URL)).toHaveLength(2);
  });

  it('takes lines through each gateway replica and finds every one, once, through each query-api replica', async () => {
    const marker = `clu${Date.now().toString(36)}`;
    const urls = replicaUrls();
    expect(urls.ingest).toHaveLength(2);
    expect(urls.query).toHaveLength(2);
    const expected: string[] = [];
    for (const [g, gateway] of urls.ingest.entries()) {
      const lines = Array.from({ length: LINES_PER_GATEWAY }, (_, i) => ({ line: `${marker} via gateway ${g + 1} line ${i}`, app: `gw${g + 1}`, level: 'info' }));
      const reply = await request<{ lines: number }>('POST', `${gateway}/logs/ingest`, { key: org.ingestKey, body: { lines } });
      expect(reply.status).toBe(200);
      expect(reply.body.lines).toBe(LINES_PER_GATEWAY);
      expected.push(...lines.map((l) => l.line));
    }
    for (const query of urls.query) {
      const events = await eventually(async () => {
        const found = await search(query, marker);
        return found.length >= expected.length ? found : undefined;
      }, 60_000, 500);
      expect(events.map((e) => e.message).sort()).toEqual([...expected].sort());
      expect(new Set(events.map((e) => e.id)).size).toBe(expected.length);
      expect(new Set(events.map((e) => e.app))).toEqual(new Set(['gw1', 'gw2']));
    }
  });

  it('keeps every pipeline stream, and every durable consumer on it, on the three NATS nodes with a current leader', async () => {
    for (const name of PIPELINE_STREAMS) {
      const info = await jsm.streams.info(name);
      expect(`${name} ${info.config.num_replicas}`).toBe(`${name} 3`);
      const nodes = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].map(nodeOf);
      expect(nodes.sort()).toEqual(['nats-1', 'nats-2', 'nats-3']);
      await eventually(async () => {
        const again = await jsm.streams.info(name);
        return (again.cluster?.replicas ?? []).every((r) => r.current) ? true : undefined;
      }, 30_000, 500);
      let durables = 0;
      for await (const consumer of jsm.consumers.list(name)) {
        if (!consumer.config.durable_name) continue;
        durables++;
        // 0 = as many replicas as the stream
        expect([0, 3]).toContain(consumer.config.num_replicas ?? 0);
        expect(`${name}/${consumer.name} ${(consumer.cluster?.replicas ?? []).length}`).toBe(`${name}/${consumer.name} 2`);
      }
      // the routers read INGEST, the parsers PARSE, the indexers, archiver and alerter EVENTS
      if (name !== 'DLQ') expect(`${name} ${durables > 0}`).toBe(`${name} true`);
    }
    // Every other stream a service made is replicated too.
    for await (const stream of jsm.streams.list()) {
      expect(`${stream.config.name} ${stream.config.num_replicas}`).toBe(`${stream.config.name} 3`);
    }
  });

  it('keeps OpenSearch green on two nodes, each shard of the events indices with a started copy on each node', async () => {
    const health = await openSearch<{ status: string; number_of_nodes: number; unassigned_shards: number }>('/_cluster/health?wait_for_status=green&timeout=60s');
    expect(health).toMatchObject({ status: 'green', number_of_nodes: 2, unassigned_shards: 0 });
    const shards = await openSearch<Array<{ index: string; shard: string; prirep: string; state: string; node: string }>>('/_cat/shards/millrace-events-*?format=json');
    expect(shards.length).toBeGreaterThan(0);
    const byShard = new Map<string, typeof shards>();
    for (const s of shards) byShard.set(`${s.index}/${s.shard}`, [...(byShard.get(`${s.index}/${s.shard}`) ?? []), s]);
    for (const [key, copies] of byShard) {
      expect(`${key} ${copies.map((c) => `${c.prirep}:${c.state}`).sort().join(',')}`).toBe(`${key} p:STARTED,r:STARTED`);
      expect(new Set(copies.map((c) => c.node)).size).toBe(2);
    }
  });

  it('tells a fault test which node leads a stream and which OpenSearch node is the elected manager', async () => {
    const info = await jsm.streams.info('INGEST');
    expect(leaderOf('INGEST')).toBe(nodeOf(info.cluster?.leader));
    expect(['nats-1', 'nats-2', 'nats-3']).toContain(leaderOf('jetstream'));
    const [manager] = await openSearch<Array<{ node: string }>>('/_cat/cluster_manager?format=json');
    expect(leaderOf('opensearch')).toBe(nodeOf(manager.node));
  });
});
