import http from 'node:http';
import net from 'node:net';
import { canonicalHost, classifyAddress, OutboundPolicy, OutboundRefusedError } from './index';

const strict = new OutboundPolicy({ purpose: 'drains', allowPrivate: false, setting: 'DRAINS_ALLOW_PRIVATE_TARGETS' });
const lenient = new OutboundPolicy({ purpose: 'drains', allowPrivate: true, setting: 'DRAINS_ALLOW_PRIVATE_TARGETS' });

/** [host as a tenant may write it, what it is, allowed when private targets are allowed] */
const REFUSED: Array<[string, RegExp, boolean]> = [
  ['127.0.0.1', /loopback/, true],
  ['127.255.255.254', /loopback/, true],
  ['2130706433', /127\.0\.0\.1, a loopback/, true],
  ['0177.0.0.1', /127\.0\.0\.1, a loopback/, true],
  ['0x7f.1', /127\.0\.0\.1, a loopback/, true],
  ['0x7f000001', /127\.0\.0\.1, a loopback/, true],
  ['127.1', /127\.0\.0\.1, a loopback/, true],
  ['017700000001', /127\.0\.0\.1, a loopback/, true],
  ['[::1]', /loopback/, true],
  ['::1', /loopback/, true],
  ['[0:0:0:0:0:0:0:1]', /loopback/, true],
  ['[::ffff:127.0.0.1]', /IPv4-mapped 127\.0\.0\.1\), a loopback/, true],
  ['[::ffff:7f00:1]', /IPv4-mapped 127\.0\.0\.1/, true],
  ['[0:0:0:0:0:ffff:7f00:1]', /IPv4-mapped 127\.0\.0\.1/, true],
  ['[::127.0.0.1]', /IPv4-compatible 127\.0\.0\.1/, true],
  ['[::7f00:1]', /IPv4-compatible 127\.0\.0\.1/, true],
  ['[::ffff:0:127.0.0.1]', /SIIT-translated 127\.0\.0\.1/, true],
  ['[64:ff9b::7f00:1]', /NAT64 127\.0\.0\.1/, true],
  ['[64:ff9b::10.0.0.1]', /NAT64 10\.0\.0\.1\), a private/, true],
  ['[2002:7f00:1::]', /6to4 127\.0\.0\.1/, true],
  ['[64:ff9b:1::1]', /local-use NAT64/, true],
  ['10.1.2.3', /private/, true],
  ['172.16.0.1', /private/, true],
  ['172.31.255.255', /private/, true],
  ['192.168.1.1', /private/, true],
  ['[::ffff:192.168.1.1]', /IPv4-mapped 192\.168\.1\.1\), a private/, true],
  ['100.64.0.1', /shared \(CGNAT\)/, true],
  ['100.127.255.255', /CGNAT/, true],
  ['0.0.0.0', /unspecified/, true],
  ['0.1.2.3', /unspecified/, true],
  ['0', /0\.0\.0\.0, an unspecified/, true],
  ['[::]', /unspecified/, true],
  ['224.0.0.1', /multicast/, true],
  ['239.255.255.250', /multicast/, true],
  ['[ff02::1]', /multicast/, true],
  ['255.255.255.255', /broadcast/, true],
  ['240.0.0.1', /reserved/, true],
  ['[fec0::1]', /site-local/, true],
  ['[fc00::1]', /unique-local/, true],
  ['[fd12:3456::1]', /unique-local/, true],
  ['192.0.2.10', /documentation/, true],
  ['[2001:db8::1]', /documentation/, true],
  ['198.18.0.1', /benchmarking/, true],
  ['[2001::1]', /Teredo/, true],
  ['[100::1]', /reserved/, true],
  ['localhost', /only exists inside a network/, true],
  ['LOCALHOST.', /only exists inside a network/, true],
  ['localhost.', /only exists inside a network/, true],
  ['app.localhost', /only exists inside a network/, true],
  ['minio.internal', /only exists inside a network/, true],
  ['printer.local', /only exists inside a network/, true],
  ['db.svc.cluster.local', /only exists inside a network/, true],
  ['myhost', /single-label/, true],
  // Never, whatever the installation allows.
  ['169.254.169.254', /cloud metadata address: never/, false],
  ['[::ffff:169.254.169.254]', /IPv4-mapped 169\.254\.169\.254\), a cloud metadata address: never/, false],
  ['[0:0:0:0:0:ffff:a9fe:a9fe]', /169\.254\.169\.254.*never/, false],
  ['[::169.254.169.254]', /IPv4-compatible 169\.254\.169\.254.*never/, false],
  ['[64:ff9b::a9fe:a9fe]', /NAT64 169\.254\.169\.254.*never/, false],
  ['2852039166', /169\.254\.169\.254.*never/, false],
  ['0xa9.0xfe.0xa9.0xfe', /169\.254\.169\.254.*never/, false],
  ['169.254.170.2', /cloud metadata.*never/, false],
  ['100.100.100.200', /cloud metadata.*never/, false],
  ['[fd00:ec2::254]', /cloud metadata.*never/, false],
  ['169.254.1.1', /link-local address: never/, false],
  ['[fe80::1]', /link-local address: never/, false],
  ['metadata.google.internal', /cloud metadata service: never/, false],
  ['metadata.google.internal.', /cloud metadata service: never/, false],
  ['METADATA.GOOGLE.INTERNAL', /cloud metadata service: never/, false],
  ['metadata', /cloud metadata service: never/, false],
];

const PUBLIC = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '[2606:4700::1111]', '[::ffff:8.8.8.8]', '[64:ff9b::808:808]', '[2002:808:808::1]', '134744072'];

describe('the outbound-address policy', () => {
  it(`refuses ${REFUSED.length} non-public address forms, naming what each is`, async () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(40);
    for (const [host, what, allowedWhenPrivateAllowed] of REFUSED) {
      const error = await strict.checkHost(host).then(() => undefined, (e: unknown) => e);
      expect([host, error instanceof OutboundRefusedError]).toEqual([host, true]);
      expect([host, (error as Error).message]).toEqual([host, expect.stringMatching(what)]);
      const lenientError = await lenient.checkHost(host).then(() => undefined, (e: unknown) => e);
      expect([host, lenientError === undefined]).toEqual([host, allowedWhenPrivateAllowed]);
    }
  });

  it('names the setting in the refusal', async () => {
    await expect(strict.checkHost('[::ffff:127.0.0.1]')).rejects.toThrow('[::ffff:127.0.0.1] is ::ffff:7f00:1 (IPv4-mapped 127.0.0.1), a loopback address; drains may only reach public addresses (DRAINS_ALLOW_PRIVATE_TARGETS is off)');
    await expect(strict.checkHost('0x7f.1')).rejects.toThrow(/^0x7f\.1 is 127\.0\.0\.1, a loopback address;/);
  });

  it('lets public addresses through, also when IPv6 carries a public IPv4 address', async () => {
    for (const host of PUBLIC) await expect(strict.checkHost(host)).resolves.toBeUndefined();
  });

  it('checks what a name resolves to (hosts-file names, trailing dots)', async () => {
    // `localhost` is in every hosts file; a public-looking name resolving to loopback is refused too.
    await expect(strict.resolve('localhost')).rejects.toThrow(/only exists inside a network/);
    await expect(lenient.resolve('localhost.')).resolves.toMatchObject({ address: expect.stringMatching(/^(127\.|::1)/) });
  });

  it('refuses text that is no host, and zone ids', async () => {
    for (const host of ['', 'exa mple.com', '[fe80::1%eth0]', 'a..b', `${'a'.repeat(64)}.com`]) {
      await expect(strict.checkHost(host)).rejects.toBeInstanceOf(OutboundRefusedError);
    }
  });

  it('canonicalises hosts', () => {
    expect(canonicalHost('[::FFFF:127.0.0.1]')).toMatchObject({ kind: 'ip', text: '::ffff:7f00:1' });
    expect(canonicalHost('Example.COM.')).toEqual({ kind: 'name', text: 'example.com', name: 'example.com' });
    expect(classifyAddress('::ffff:a9fe:a9fe')).toMatchObject({ effective: '169.254.169.254', kind: 'metadata', embedding: 'ipv4-mapped' });
    expect(classifyAddress('not an address')).toBeUndefined();
  });

  describe('at connect time', () => {
    let server: net.Server;
    let port: number;
    let connections = 0;
    beforeAll(async () => {
      server = http.createServer((_req, res) => res.end('reached')).on('connection', () => connections++);
      await new Promise<void>((resolve) => server.listen(0, '::', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const get = (host: string, policy: OutboundPolicy) => new Promise<string>((resolve, reject) => {
      const req = http.get({ host, port, path: '/', agent: policy.httpAgent() }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c)).on('end', () => resolve(body));
      });
      req.on('error', reject);
    });

    it('an agent refuses literal and resolved non-public addresses before connecting; the lenient one reaches them', async () => {
      for (const host of ['127.0.0.1', '::ffff:127.0.0.1', '::1', 'localhost', '127.1', '2130706433']) {
        await expect(get(host, strict)).rejects.toBeInstanceOf(OutboundRefusedError);
      }
      expect(connections).toBe(0);
      await expect(get('127.0.0.1', lenient)).resolves.toBe('reached');
      await expect(get('::ffff:127.0.0.1', lenient)).resolves.toBe('reached');
      expect(connections).toBe(2);
    });

    it('net and tls connections go through the same check', async () => {
      expect(() => strict.connect({ host: '::ffff:7f00:1', port })).toThrow(OutboundRefusedError);
      const socket = strict.connect({ host: 'localhost', port });
      await expect(new Promise((resolve, reject) => socket.on('connect', resolve).on('error', reject))).rejects.toBeInstanceOf(OutboundRefusedError);
      const tlsSocket = strict.connectTls({ host: 'localhost', port });
      await expect(new Promise((resolve, reject) => tlsSocket.on('secureConnect', resolve).on('error', reject))).rejects.toBeInstanceOf(OutboundRefusedError);
      expect(connections).toBe(2);
    });
  });
});
