import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

export type DrainTransport = 'http' | 'https' | 'syslog+tcp' | 'syslog+tls';

export interface DrainTarget {
  transport: DrainTransport;
  host: string;
  port: number;
  /** HTTP: path and query. */
  path: string;
  /** HTTP: user info of the URL, sent as Basic authentication. */
  auth?: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/**
 * Parse a drain URL: `http(s)://[user:pass@]host[:port]/path`, `syslog+tcp://host:port`,
 * `syslog+tls://host:port` (`syslog://` is taken as TCP, as Logplex does). Throws with a
 * reason when the URL is not a usable target.
 */
export function parseDrainUrl(text: string): DrainTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('not a URL');
  }
  const scheme = url.protocol.replace(/:$/, '');
  const transport: DrainTransport | undefined =
    scheme === 'http' || scheme === 'https' ? scheme : scheme === 'syslog' || scheme === 'syslog+tcp' ? 'syslog+tcp' : scheme === 'syslog+tls' ? 'syslog+tls' : undefined;
  if (!transport) throw new Error(`scheme ${scheme} is not one of http, https, syslog+tcp, syslog+tls`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new Error('no host');
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[scheme];
  if (!port || port < 1 || port > 65535) throw new Error(transport.startsWith('syslog') ? 'syslog targets need a port' : 'bad port');
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return {
    transport,
    host,
    port,
    path: `${url.pathname || '/'}${url.search}`,
    auth: user || pass ? `${user}:${pass}` : undefined,
  };
}

/**
 * Addresses a drain must not reach unless DRAINS_ALLOW_PRIVATE_TARGETS: loopback, private
 * (RFC 1918, ULA), link-local (incl. cloud metadata 169.254.169.254), CGNAT, unspecified,
 * multicast and reserved ranges — the SSRF surface of a service that connects where tenants say.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isPrivateV4(address);
  if (family === 6) {
    const a = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return isPrivateV4(mapped[1]);
    if (a === '::' || a === '::1') return true;
    const first = parseInt(a.split(':')[0] || '0', 16);
    if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
    if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
    if ((first & 0xff00) === 0xff00) return true; // multicast
    if (a.startsWith('64:ff9b:') || a.startsWith('2001:db8:') || a.startsWith('100::')) return true;
    return false;
  }
  return true; // not an address at all: refuse
}

function isPrivateV4(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return (
    a === 0 || a === 10 || a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** The URL with its secrets replaced: user info and every query value become `****`. */
export function maskDrainUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.username) url.username = '****';
    if (url.password) url.password = '****';
    for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, '****');
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * With DRAINS_ALLOW_PRIVATE_TARGETS=false, refuse targets that are, or resolve now to,
 * non-public addresses. The router checks again on every connection (DNS can change).
 */
export async function checkPublicTarget(host: string): Promise<void> {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) {
    throw new Error(`${host} is not a public host (DRAINS_ALLOW_PRIVATE_TARGETS is off)`);
  }
  const addresses = isIP(host) ? [host] : await dns.lookup(host, { all: true }).then((list) => list.map((a) => a.address), () => [] as string[]);
  const bad = addresses.find(isPrivateAddress);
  if (bad) throw new Error(`${host} is${bad === host ? '' : ` resolves to`} a non-public address${bad === host ? '' : ` (${bad})`} (DRAINS_ALLOW_PRIVATE_TARGETS is off)`);
}
