import { createRequire } from 'node:module';
import { connectionSettings, serverPorts } from '../../stack/lib/profiles.mjs';

const require = createRequire(import.meta.url);
const services = require('../services.cjs');
const PROFILES = Object.keys(services.PROFILES);
const EPHEMERAL_LOW = 32768;

/** Every port the services of a profile listen on (HTTP of each instance, the gateways' syslog and GELF). */
function servicePorts(profile) {
  return services.allInstances(profile).flatMap((i) => {
    const ports = [{ port: services.portOf(profile, i.name), owner: i.name }];
    if (i.service === 'ingest-gateway') {
      const g = services.gatewayPorts(profile, i.replica);
      ports.push({ port: g.syslogTcp, owner: `${i.name} syslog` }, { port: g.syslogTls, owner: `${i.name} syslog-tls` }, { port: g.gelfUdp, owner: `${i.name} gelf` });
    }
    return ports;
  });
}

describe('service instances', () => {
  it('keeps the single-node ports of dev and test', () => {
    expect(services.portOf('dev', 'ingest-gateway')).toBe(17080);
    expect(services.portOf('test', 'query-api')).toBe(27081);
    expect(services.gatewayPorts('test')).toEqual({ syslogTcp: 27514, syslogTls: 27515, syslogUdp: 27514, gelfUdp: 27201 });
    expect(services.allInstances('test').map((i) => i.name)).toEqual(services.SERVICES);
  });

  it('runs two replicas of the pipeline services, the query-api and auth in a clustered profile, one of the rest', () => {
    const names = services.allInstances('cluster').map((i) => i.name);
    expect(names).toEqual([
      'auth', 'auth-2', 'broker-router', 'broker-router-2', 'parser-worker', 'parser-worker-2', 'indexer', 'indexer-2',
      'alerter', 'archiver', 'query-api', 'query-api-2', 'ingest-gateway', 'ingest-gateway-2', 'console',
    ]);
    for (const s of services.REPLICATED) expect(services.replicasOf('cluster', s)).toBe(2);
    expect(services.replicasOf('cluster', 'alerter')).toBe(1);
  });

  it('gives each replica its own ports', () => {
    expect(services.portOf('cluster', 'query-api')).toBe(30081);
    expect(services.portOf('cluster', 'query-api-2')).toBe(30091);
    expect(services.portOf('cluster', 'query-api', 2)).toBe(30091);
    expect(services.gatewayPorts('cluster', 2)).toEqual({ syslogTcp: 30524, syslogTls: 30525, syslogUdp: 30524, gelfUdp: 30211 });
    expect(services.replicaUrls('cluster-test')).toEqual({
      ingest: ['http://127.0.0.1:31080', 'http://127.0.0.1:31090'],
      query: ['http://127.0.0.1:31081', 'http://127.0.0.1:31091'],
      auth: ['http://127.0.0.1:31082', 'http://127.0.0.1:31092'],
    });
    expect(services.urls('cluster-test').query).toBe('http://127.0.0.1:31081');
  });

  it('reads instance names, and refuses ones the profile does not run', () => {
    expect(services.parseInstance('indexer-2')).toEqual({ service: 'indexer', replica: 2 });
    expect(services.parseInstance('parser-worker')).toEqual({ service: 'parser-worker', replica: 1 });
    expect(services.instancesOf('cluster', 'indexer-2')).toEqual([{ name: 'indexer-2', service: 'indexer', replica: 2 }]);
    expect(() => services.instancesOf('test', 'indexer-2')).toThrow('profile test runs 1 replica(s) of indexer, not 2');
    expect(() => services.parseInstance('gateway')).toThrow(/unknown service "gateway"/);
    expect(() => services.parseInstance('redis-2')).toThrow(/unknown service "redis-2"/);
  });

  it.each(PROFILES)('lets no two listeners of %s (servers and services) share a port, all below the ephemeral range', (profile) => {
    const all = [...serverPorts(profile), ...servicePorts(profile)];
    const seen = new Map();
    for (const { port, owner } of all) {
      expect(`${port} ${seen.get(port) ?? owner}`).toBe(`${port} ${owner}`);
      seen.set(port, owner);
      expect(port).toBeLessThan(EPHEMERAL_LOW);
    }
  });

  it('lets every profile run beside every other', () => {
    const owner = new Map();
    for (const profile of PROFILES) {
      for (const { port } of [...serverPorts(profile), ...servicePorts(profile)]) {
        expect(owner.get(port) ?? profile).toBe(profile);
        owner.set(port, profile);
      }
    }
  });

  it('finds the profile of a stack from its NATS URL', () => {
    for (const profile of PROFILES) expect(services.profileOf(connectionSettings(profile))).toBe(profile);
    expect(services.profileOf({ NATS_URL: 'nats://elsewhere:4222' })).toBe('dev');
  });
});
