import { isIP } from 'node:net';
import { classifyAddress, type ClassifiedAddress } from './address';

export type CanonicalHost = { kind: 'ip'; text: string; ip: ClassifiedAddress } | { kind: 'name'; text: string; name: string };

/** A host that is not a host name or address at all. */
export class InvalidHostError extends Error {
  override readonly name = 'InvalidHostError';
}

/**
 * Canonical form of a host as a URL, a config field or a resolver gives it: brackets dropped,
 * every IPv4 spelling the WHATWG URL parser accepts (`2130706433`, `0177.0.0.1`, `0x7f.1`,
 * `127.1`) turned into dotted form, IPv6 compressed, names lower-cased, IDNs in punycode and
 * trailing dots dropped (`localhost.` is `localhost`). Zone ids (`fe80::1%eth0`) are refused.
 */
export function canonicalHost(input: string): CanonicalHost {
  const trimmed = input.trim();
  if (!trimmed) throw new InvalidHostError('no host');
  if (trimmed.includes('%')) throw new InvalidHostError(`${trimmed} has a zone id or an escape, which is not allowed`);
  const bare = trimmed.replace(/^\[(.*)\]$/, '$1');
  let host: string;
  try {
    host = new URL(`http://${isIP(bare) === 6 || bare.includes(':') ? `[${bare}]` : bare}/`).hostname;
  } catch {
    throw new InvalidHostError(`${trimmed} is not a host name or IP address`);
  }
  const unbracketed = host.replace(/^\[(.*)\]$/, '$1');
  const ip = classifyAddress(unbracketed);
  if (ip) return { kind: 'ip', text: ip.address, ip };
  const name = unbracketed.replace(/\.+$/, '');
  if (!name || name.length > 253 || name.split('.').some((label) => label.length === 0 || label.length > 63)) {
    throw new InvalidHostError(`${trimmed} is not a valid host name`);
  }
  return { kind: 'name', text: name, name };
}

/** Names of cloud metadata services: never reachable. */
const METADATA_NAMES = new Set([
  'metadata', 'metadata.google.internal', 'metadata.goog', 'metadata.azure.internal', 'instance-data',
  'instance-data.ec2.internal', 'metadata.tencentyun.com', 'metadata.platformequinix.com',
]);

/** Suffixes of names that only exist inside a machine or a site, never on the internet. */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'localdomain', 'home.arpa', 'intranet', 'lan', 'corp', 'private'];

export type NameKind = 'metadata' | 'local' | 'single-label' | 'public';

/**
 * How a (canonical) name is judged before it is resolved: metadata names never pass; names
 * that can only mean something inside the network (`localhost`, `*.internal`, `*.local`,
 * a single label answered by a search domain or the hosts file) are private.
 */
export function classifyName(name: string): NameKind {
  if (METADATA_NAMES.has(name)) return 'metadata';
  if (LOCAL_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`))) return 'local';
  if (!name.includes('.')) return 'single-label';
  return 'public';
}
