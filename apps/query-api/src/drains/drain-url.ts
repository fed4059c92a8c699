import { parseDrainUrl, type DrainTransport } from '@millrace/drain-targets';

export { maskDrainUrl } from '@millrace/drain-targets';

export interface CheckedDrainUrl {
  transport: DrainTransport;
  host: string;
  port: number;
}

/**
 * Validate a drain URL with the router's own parser, then the API's stricter rule for syslog
 * targets (host and port only), with messages written for people configuring a drain.
 */
export function checkDrainUrl(text: string): CheckedDrainUrl {
  let target;
  try {
    target = parseDrainUrl(text);
  } catch (error) {
    const reason = (error as Error).message;
    if (reason === 'not a URL') throw new Error('must be a URL such as https://logs.example.com/drain or syslog+tls://logs.example.com:6514');
    if (reason === 'syslog targets need a port') throw new Error('syslog drains need a port, e.g. syslog+tls://logs.example.com:6514');
    if (reason === 'no host') throw new Error('needs a host');
    throw new Error(reason.replace(/^scheme (\S+)/, 'scheme "$1"'));
  }
  const url = new URL(text);
  if (target.transport.startsWith('syslog') && (url.username || url.password || (url.pathname && url.pathname !== '/') || url.search)) {
    throw new Error('syslog drains take host and port only');
  }
  return { transport: target.transport, host: target.host, port: target.port };
}
