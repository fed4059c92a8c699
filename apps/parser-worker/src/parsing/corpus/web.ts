/** nginx / Apache access and error logs. Written for Millrace's tests. */
import type { CorpusCase } from './types';

export const WEB: CorpusCase[] = [
  {
    name: 'apache common log',
    line: '127.0.0.1 - frank [10/Mar/2024:04:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
    format: 'access_common',
    expect: {
      message: '127.0.0.1 - frank [10/Mar/2024:04:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      level: 'info', ts: '2024-03-10T11:55:36.000Z',
      fields: {
        http: { method: 'GET', path: '/apache_pb.gif', protocol: 'HTTP/1.0', status: 200, bytes: 2326 },
        client: { ip: '127.0.0.1', user: 'frank' },
      },
    },
  },
  {
    name: 'nginx default (combined), 404 is a warning',
    line: '203.0.113.42 - - [10/Mar/2024:11:02:03 +0000] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0 (compatible; scanner/1.0)"',
    format: 'access_combined',
    expect: {
      message: '203.0.113.42 - - [10/Mar/2024:11:02:03 +0000] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0 (compatible; scanner/1.0)"',
      level: 'warn', ts: '2024-03-10T11:02:03.000Z',
      fields: {
        http: { method: 'GET', path: '/wp-login.php', protocol: 'HTTP/1.1', status: 404, bytes: 153, user_agent: 'Mozilla/5.0 (compatible; scanner/1.0)' },
        client: { ip: '203.0.113.42' },
      },
    },
  },
  {
    name: 'apache combined with referer, 5xx is an error, IPv6 client',
    line: '2001:db8::7 - alice [10/Mar/2024:12:30:00 +0100] "POST /api/v2/orders?dry=1 HTTP/2.0" 502 0 "https://shop.example/cart" "curl/8.5.0"',
    format: 'access_combined',
    expect: {
      message: '2001:db8::7 - alice [10/Mar/2024:12:30:00 +0100] "POST /api/v2/orders?dry=1 HTTP/2.0" 502 0 "https://shop.example/cart" "curl/8.5.0"',
      level: 'error', ts: '2024-03-10T11:30:00.000Z',
      fields: {
        http: { method: 'POST', path: '/api/v2/orders?dry=1', protocol: 'HTTP/2.0', status: 502, bytes: 0, referer: 'https://shop.example/cart', user_agent: 'curl/8.5.0' },
        client: { ip: '2001:db8::7', user: 'alice' },
      },
    },
  },
  {
    name: 'nginx combined with extra timing pairs and a dash for bytes',
    line: '10.1.1.1 - - [10/Mar/2024:11:00:00 +0000] "HEAD / HTTP/1.1" 304 - "-" "kube-probe/1.29" rt=0.002 uct="0.000"',
    format: 'access_combined',
    expect: {
      message: '10.1.1.1 - - [10/Mar/2024:11:00:00 +0000] "HEAD / HTTP/1.1" 304 - "-" "kube-probe/1.29" rt=0.002 uct="0.000"',
      level: 'info', ts: '2024-03-10T11:00:00.000Z',
      fields: {
        http: { method: 'HEAD', path: '/', protocol: 'HTTP/1.1', status: 304, user_agent: 'kube-probe/1.29' },
        client: { ip: '10.1.1.1' }, rt: 0.002, uct: '0.000',
      },
    },
  },
  {
    name: 'access log with a garbage request line',
    line: '198.51.100.7 - - [10/Mar/2024:11:00:01 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"',
    format: 'access_combined',
    expect: {
      message: '198.51.100.7 - - [10/Mar/2024:11:00:01 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"',
      level: 'warn', ts: '2024-03-10T11:00:01.000Z',
      fields: { http: { request: '\\x16\\x03\\x01', status: 400, bytes: 157 }, client: { ip: '198.51.100.7' } },
    },
  },
  {
    name: 'apache 2.4 error log',
    line: '[Sun Mar 10 11:32:52.123456 2024] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:50000] AH00128: File does not exist: /usr/local/apache2/htdocs/favicon.ico',
    format: 'apache_error',
    expect: {
      message: 'File does not exist: /usr/local/apache2/htdocs/favicon.ico', level: 'error', ts: '2024-03-10T11:32:52.123Z',
      fields: { pid: 35708, tid: 4328636416, client: { ip: '72.15.99.187', port: 50000 }, apache: { module: 'core', code: 'AH00128' } },
    },
  },
  {
    name: 'apache 2.2 error log',
    line: '[Sun Mar 10 09:00:00 2024] [notice] Apache/2.2.34 configured -- resuming normal operations',
    format: 'apache_error',
    expect: {
      message: 'Apache/2.2.34 configured -- resuming normal operations', level: 'info', ts: '2024-03-10T09:00:00.000Z',
      fields: {},
    },
  },
  {
    name: 'nginx error log',
    line: '2024/03/10 11:40:00 [error] 31#31: *4711 connect() failed (111: Connection refused) while connecting to upstream, client: 172.17.0.1, server: api.local, request: "GET /v1/ping HTTP/1.1", upstream: "http://127.0.0.1:9000/v1/ping", host: "api.local"',
    format: 'nginx_error',
    expect: {
      message: 'connect() failed (111: Connection refused) while connecting to upstream, client: 172.17.0.1, server: api.local, request: "GET /v1/ping HTTP/1.1", upstream: "http://127.0.0.1:9000/v1/ping", host: "api.local"',
      level: 'error', ts: '2024-03-10T11:40:00.000Z',
      fields: {
        nginx: { pid: 31, tid: 31, connection: 4711, server: 'api.local', request: 'GET /v1/ping HTTP/1.1', upstream: 'http://127.0.0.1:9000/v1/ping', host: 'api.local' },
        client: { ip: '172.17.0.1' },
      },
    },
  },
];
