import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

/*
 * Drain target rules, as the broker-router applies them (apps/broker-router/src/drains/target.ts;
 * apps never import each other, so the few lines are repeated here for validation at the API).
 */

export type DrainTransport = 'http' | 'https' | 'syslog+tcp' | 'syslog+tls';

export interface CheckedDrainUrl {
  transport: DrainTransport;
  host: string;
  port: number;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** Validate a drain URL: scheme http, https, syslog+tcp (or syslog), syslog+tls; a host; a port (required for syslog). */
export function checkDrainUrl(text: string): CheckedDrainUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('must be a URL such as https://logs.example.com/drain or syslog+tls://logs.example.com:6514');
  }
  const scheme = url.protocol.replace(/:$/, '');
  const transport: DrainTransport | undefined =
    scheme === 'http' || scheme === 'https' ? scheme : scheme === 'syslog' || scheme === 'syslog+tcp' ? 'syslog+tcp' : scheme === 'syslog+tls' ? 'syslog+tls' : undefined;
  if (!transport) throw new Error(`scheme "${scheme}" is not one of http, https, syslog+tcp, syslog+tls`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new Error('needs a host');
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[scheme];
  if (!port) throw new Error('syslog drains need a port, e.g. syslog+tls://logs.example.com:6514');
  if (transport.startsWith('syslog') && (url.username || url.password || (url.pathname && url.pathname !== '/') || url.search)) {
    throw new Error('syslog drains take host and port only');
  }
  return { transport, host, port };
}

/** Loopback, private, link-local (cloud metadata), CGNAT, unspecified, multicast and reserved addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const [a, b] = address.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19)) || a >= 224;
  }
  if (family === 6) {
    const a = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return isPrivateAddress(mapped[1]);
    if (a === '::' || a === '::1') return true;
    const first = parseInt(a.split(':')[0] || '0', 16);
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00 || a.startsWith('64:ff9b:') || a.startsWith('2001:db8:');
  }
  return true;
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
