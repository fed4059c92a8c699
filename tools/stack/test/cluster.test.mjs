import { metaGroupOf, natsNodeOfServer, osNodeOfName, streamOf } from '../lib/cluster.mjs';
import { context } from '../lib/state.mjs';

// The shape of nats-server 2.12's /jsz?accounts=true&streams=true&config=true (trimmed).
const JSZ = {
  server_id: 'NABC',
  meta_cluster: {
    name: 'millrace-cluster',
    leader: 'millrace-cluster-nats-2',
    cluster_size: 3,
    replicas: [
      { name: 'millrace-cluster-nats-1', current: true, active: 120000 },
      { name: 'millrace-cluster-nats-3', current: true, active: 90000 },
    ],
  },
  account_details: [
    {
      name: '$G',
      stream_detail: [
        {
          name: 'INGEST',
          config: { name: 'INGEST', num_replicas: 3 },
          state: { messages: 42, bytes: 1000 },
          cluster: {
            name: 'millrace-cluster',
            leader: 'millrace-cluster-nats-3',
            replicas: [
              { name: 'millrace-cluster-nats-1', current: true, active: 1000, lag: 0 },
              { name: 'millrace-cluster-nats-2', current: false, active: 5000, lag: 7 },
            ],
          },
        },
      ],
    },
  ],
};

describe('reading a cluster', () => {
  it('finds the JetStream meta leader and whether every peer is current', () => {
    expect(metaGroupOf(JSZ)).toEqual({ leader: 'millrace-cluster-nats-2', size: 3, current: true });
    const lagging = { meta_cluster: { ...JSZ.meta_cluster, replicas: [{ name: 'x', current: false }] } };
    expect(metaGroupOf(lagging).current).toBe(false);
    expect(metaGroupOf({ server_id: 'single' })).toBeNull();
    expect(metaGroupOf({ meta_cluster: { name: 'c', cluster_size: 3 } })).toBeNull(); // no leader yet
  });

  it('finds a stream\'s leader, followers and replica count', () => {
    expect(streamOf(JSZ, 'INGEST')).toEqual({
      leader: 'millrace-cluster-nats-3',
      followers: [
        { name: 'millrace-cluster-nats-1', current: true, lag: 0 },
        { name: 'millrace-cluster-nats-2', current: false, lag: 7 },
      ],
      replicas: 3,
      messages: 42,
    });
    expect(streamOf(JSZ, 'EVENTS')).toBeNull();
    expect(streamOf({}, 'INGEST')).toBeNull();
  });

  it('maps server and node names back to the stack\'s node names', () => {
    const ctx = context('cluster', { log: () => {} });
    expect(natsNodeOfServer(ctx, 'millrace-cluster-nats-3')).toBe('nats-3');
    expect(natsNodeOfServer(ctx, 'elsewhere')).toBe('elsewhere');
    expect(osNodeOfName(ctx, 'millrace-cluster-opensearch-2')).toBe('opensearch-2');
  });
});
