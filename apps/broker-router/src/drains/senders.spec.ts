import http from 'node:http';
import net from 'node:net';
import { parseDrainUrl } from '@millrace/drain-targets';
import { LOOPBACK_HOST_FORMS, outboundPolicy } from '@millrace/outbound-policy';
import { HttpSender, SyslogSender } from './senders';

const lines = [{ line: 'hello', app: 'web', host: 'h1', ts: Date.UTC(2025, 0, 1), level: 'info' }];

describe('drain senders and the outbound policy', () => {
  let server: http.Server;
  let syslog: net.Server;
  let httpPort: number;
  let syslogPort: number;
  const arrived = { http: 0, syslog: 0 };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      arrived.http++;
      if (req.url === '/moved') res.writeHead(301, { location: '/elsewhere' }).end();
      else res.writeHead(204).end();
      req.resume();
    });
    syslog = net.createServer((socket) => {
      socket.on('data', () => arrived.syslog++);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => syslog.listen(0, '127.0.0.1', resolve));
    httpPort = (server.address() as net.AddressInfo).port;
    syslogPort = (syslog.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => syslog.close(resolve));
  });

  const strict = { drainId: 'd1', timeoutMs: 2000, policy: outboundPolicy('drains', { DRAINS_ALLOW_PRIVATE_TARGETS: false }) };
  const lenient = { drainId: 'd1', timeoutMs: 2000, policy: outboundPolicy('drains', { DRAINS_ALLOW_PRIVATE_TARGETS: true }) };

  it('delivers through no form of a loopback address when private targets are not allowed (HTTP and syslog over TCP and TLS)', async () => {
    for (const { host } of LOOPBACK_HOST_FORMS) {
      for (const url of [`http://${host}:${httpPort}/in`, `https://${host}:${httpPort}/in`, `syslog+tcp://${host}:${syslogPort}`, `syslog+tls://${host}:${syslogPort}`]) {
        const target = parseDrainUrl(url);
        const sender = target.transport.startsWith('syslog') ? new SyslogSender(target, strict) : new HttpSender(target, 'json', strict);
        const error = await sender.send(lines, 'f1').then(() => undefined, (e: unknown) => e);
        sender.close();
        expect([url, (error as { permanent?: boolean })?.permanent, (error as Error)?.message]).toEqual([url, true, expect.stringMatching(/may only reach public|only exists inside a network/)]);
      }
    }
    expect(arrived).toEqual({ http: 0, syslog: 0 });
  });

  it('reaches the same listener through the mapped forms where private targets are allowed, so the refusal is what stopped them', async () => {
    const reaching = LOOPBACK_HOST_FORMS.filter((f) => f.reaches);
    for (const { host } of reaching) {
      const sender = new HttpSender(parseDrainUrl(`http://${host}:${httpPort}/in`), 'json', lenient);
      await sender.send(lines, 'f2');
      sender.close();
    }
    expect(arrived.http).toBe(reaching.length);
  });

  it('never follows a redirect', async () => {
    const sender = new HttpSender(parseDrainUrl(`http://127.0.0.1:${httpPort}/moved`), 'json', lenient);
    await expect(sender.send(lines, 'f3')).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/redirects are not followed/) });
    sender.close();
  });

  it('refuses cloud metadata addresses even where private targets are allowed', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/', 'syslog+tcp://metadata.google.internal:514', 'http://[fd00:ec2::254]/']) {
      const target = parseDrainUrl(url);
      const sender = target.transport.startsWith('syslog') ? new SyslogSender(target, lenient) : new HttpSender(target, 'json', lenient);
      await expect(sender.send(lines, 'f4')).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/never reachable/) });
      sender.close();
    }
  });
});
