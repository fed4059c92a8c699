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
