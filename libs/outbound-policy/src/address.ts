import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What an address is, as far as a connection made for a tenant is concerned. */
export type AddressKind =
  | 'public'
  | 'metadata'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'site-local'
  | 'cgnat'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'nat64-local'
  | 'teredo'
  | 'reserved';

/** How an IPv4 address was carried inside an IPv6 one. */
export type Embedding = 'ipv4-mapped' | 'ipv4-compatible' | 'siit' | 'nat64' | '6to4';

export interface ClassifiedAddress {
  /** The address as given, in canonical text (RFC 5952 for IPv6). */
  address: string;
  /** The address that decides: the IPv4 address an IPv6 form carries, or the address itself. */
  effective: string;
  family: 4 | 6;
  kind: AddressKind;
  embedding?: Embedding;
}

/** Cloud instance metadata endpoints: never reachable, whatever the installation allows. */
const METADATA: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['169.254.169.254', 32, 'ipv4'], // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
  ['169.254.170.2', 32, 'ipv4'], // ECS task metadata
  ['169.254.169.253', 32, 'ipv4'], // AWS VPC resolver
  ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud
  ['fd00:ec2::254', 128, 'ipv6'], // AWS over IPv6
  ['fd00:ec2::253', 128, 'ipv6'],
];

/** First match wins; an address in none of them is public. */
const V4_RANGES: Array<[AddressKind, Array<[string, number]>]> = [
  ['unspecified', [['0.0.0.0', 8]]],
  ['loopback', [['127.0.0.0', 8]]],
  ['private', [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]]],
  ['cgnat', [['100.64.0.0', 10]]],
  ['link-local', [['169.254.0.0', 16]]],
  ['documentation', [['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24]]],
  ['benchmarking', [['198.18.0.0', 15]]],
  ['reserved', [['192.0.0.0', 24], ['192.88.99.0', 24]]],
  ['multicast', [['224.0.0.0', 4]]],
  ['broadcast', [['255.255.255.255', 32]]],
  ['reserved', [['240.0.0.0', 4]]],
];

const V6_RANGES: Array<[AddressKind, Array<[string, number]>]> = [
  ['unspecified', [['::', 128]]],
  ['loopback', [['::1', 128]]],
  ['link-local', [['fe80::', 10]]],
  ['site-local', [['fec0::', 10]]],
  ['unique-local', [['fc00::', 7]]],
  ['multicast', [['ff00::', 8]]],
  ['nat64-local', [['64:ff9b:1::', 48]]],
  ['teredo', [['2001::', 32]]],
  ['benchmarking', [['2001:2::', 48]]],
  ['documentation', [['2001:db8::', 32], ['3fff::', 20]]],
  ['reserved', [['2001::', 23], ['100::', 64]]],
];

/** IPv6 global unicast: anything outside it (and not an IPv4 carrier) is not a public address. */
const V6_GLOBAL = blockList([['2000::', 3]], 'ipv6');

function blockList(ranges: Array<[string, number]>, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, type);
  return list;
}

const METADATA_LIST = (() => {
  const list = new BlockList();
  for (const [network, prefix, type] of METADATA) list.addSubnet(network, prefix, type);
  return list;
})();
const V4_LISTS = V4_RANGES.map(([kind, ranges]) => [kind, blockList(ranges, 'ipv4')] as const);
const V6_LISTS = V6_RANGES.map(([kind, ranges]) => [kind, blockList(ranges, 'ipv6')] as const);

/** The IPv4 address inside an IPv6 one, for every form that carries one to an IPv4 host. */
function embeddedV4(bytes: number[]): { v4: string; embedding: Embedding } | undefined {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = (at: number) => bytes.slice(at, at + 4).join('.');
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return { v4: v4(12), embedding: 'ipv4-mapped' };
  if (zero(0, 12)) {
    // :: and ::1 are themselves; every other ::a.b.c.d is the deprecated IPv4-compatible form.
    if (zero(12, 15) && (bytes[15] === 0 || bytes[15] === 1)) return undefined;
    return { v4: v4(12), embedding: 'ipv4-compatible' };
  }
  if (zero(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && bytes[10] === 0 && bytes[11] === 0) return { v4: v4(12), embedding: 'siit' };
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12)) return { v4: v4(12), embedding: 'nat64' };
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return { v4: v4(2), embedding: '6to4' };
  return undefined;
}

function kindOf(address: string, family: 4 | 6): AddressKind {
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (METADATA_LIST.check(address, type)) return 'metadata';
  for (const [kind, list] of family === 4 ? V4_LISTS : V6_LISTS) if (list.check(address, type)) return kind;
  if (family === 6 && !V6_GLOBAL.check(address, 'ipv6')) return 'reserved';
  return 'public';
}

/**
 * Classify an IP address (strict dotted IPv4 or any IPv6 text, without brackets or zone). IPv6
 * forms that carry an IPv4 address (mapped, compatible, SIIT, NAT64 64:ff9b::/96, 6to4) are
 * judged by the IPv4 address they carry. Returns undefined for text that is not an address.
 */
export function classifyAddress(text: string): ClassifiedAddress | undefined {
  const family = isIP(text);
  if (family === 4) return { address: text, effective: text, family: 4, kind: kindOf(text, 4) };
  if (family !== 6) return undefined;
  const parsed = ipaddr.IPv6.parse(text);
  const address = parsed.toString();
  const carried = embeddedV4(parsed.toByteArray());
  if (carried) {
    const v4Kind = kindOf(carried.v4, 4);
    // A 6to4 or NAT64 address carrying a public IPv4 address is an ordinary public address.
    return { address, effective: carried.v4, family: 6, kind: v4Kind, embedding: carried.embedding };
  }
  return { address, effective: address, family: 6, kind: kindOf(address, 6) };
}

const KIND_TEXT: Record<AddressKind, string> = {
  public: 'a public address',
  metadata: 'a cloud metadata address',
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  'unique-local': 'a unique-local address',
  'site-local': 'a site-local address',
  cgnat: 'a shared (CGNAT) address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  documentation: 'a documentation address',
  benchmarking: 'a benchmarking address',
  'nat64-local': 'a local-use NAT64 address',
  teredo: 'a Teredo address',
  reserved: 'a reserved address',
};

const EMBEDDING_TEXT: Record<Embedding, string> = {
  'ipv4-mapped': 'IPv4-mapped',
  'ipv4-compatible': 'IPv4-compatible',
  siit: 'SIIT-translated',
  nat64: 'NAT64',
  '6to4': '6to4',
};

/** `127.0.0.1` / `::ffff:7f00:1 (IPv4-mapped 127.0.0.1)`, and `a loopback address`. */
export function describeAddress(c: ClassifiedAddress): { subject: string; kind: string } {
  return { subject: c.embedding ? `${c.address} (${EMBEDDING_TEXT[c.embedding]} ${c.effective})` : c.address, kind: KIND_TEXT[c.kind] };
}
