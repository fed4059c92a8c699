import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/** A delivery that failed; `permanent` ones are not retried (e.g. a 400 or 404 from the receiver). */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(message: string, readonly permanent = false, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const v4ToNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const V4_PRIVATE: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

/**
 * Loopback, private, link-local (cloud metadata), shared, multicast and reserved addresses:
 * a tenant's webhook must not reach into the platform's own network.
 */
export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const n = v4ToNumber(ip);
    return V4_PRIVATE.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(v4ToNumber(base) / 2 ** (32 - bits)));
  }
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPrivateAddress(mapped[1]);
  return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower);
}

/** A DNS lookup that refuses private addresses, checked at connection time (no rebinding window). */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return (callback as (e: Error) => void)(error);
      const list = addresses as LookupAddress[];
      const refused = !allowPrivate && list.find((a) => isPrivateAddress(a.address));
      if (refused) return (callback as (e: Error) => void)(new DeliveryError(`${hostname} resolves to ${refused.address}, a private address; channels may only reach public addresses`, true));
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      (callback as (e: null, a: string, f: number) => void)(null, list[0].address, list[0].family);
    });
  };
}

/** Refuse a URL (or host) that names a private address literally; lookups are checked when connecting. */
export function checkDestination(host: string, allowPrivate: boolean): void {
  const bare = host.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(bare) && isPrivateAddress(bare)) {
    throw new DeliveryError(`${bare} is a private address; channels may only reach public addresses`, true);
  }
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** Statuses worth retrying: the receiver is overloaded, rate limiting or briefly broken. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/**
 * One HTTP request with a deadline. Answers outside 2xx become DeliveryErrors (permanent for
 * 4xx other than 408/409/425/429). At most 4 KiB of the answer is kept.
 */
export function send(url: string, options: { method: string; headers: Record<string, string>; body: string; timeoutMs: number; allowPrivate: boolean }): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new DeliveryError('the URL is not valid', true));
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new DeliveryError(`${target.protocol} URLs are not supported`, true));
      return;
    }
    try {
      checkDestination(target.hostname, options.allowPrivate);
    } catch (error) {
      reject(error);
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const body = Buffer.from(options.body);
    const req = client.request(target, {
      method: options.method,
      headers: { ...options.headers, 'content-length': String(body.length) },
      lookup: guardedLookup(options.allowPrivate),
      timeout: options.timeoutMs,
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 4096);
        if (status >= 200 && status < 300) resolve({ status, body: text });
        else reject(new DeliveryError(`HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ''}`, !retryableStatus(status)));
      });
      res.on('error', reject);
    });
    const deadline = setTimeout(() => req.destroy(new DeliveryError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('timeout', () => req.destroy(new DeliveryError(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof DeliveryError ? error : new DeliveryError(error.message, false, { cause: error })));
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
