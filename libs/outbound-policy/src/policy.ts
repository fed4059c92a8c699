import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { describeAddress, type AddressKind, type ClassifiedAddress } from './address';
import { canonicalHost, classifyName, InvalidHostError, type CanonicalHost } from './host';
import { outboundRefusals } from './metrics';

/** Kinds refused even where private targets are allowed. */
const NEVER: ReadonlySet<AddressKind> = new Set(['metadata', 'link-local']);

export interface OutboundPolicyOptions {
  /** What connects, in the plural, for messages and metrics: `drains`, `alert channels`, `archive endpoints`. */
  purpose: string;
  /** Whether loopback, private and other non-public targets are allowed (metadata and link-local never are). */
  allowPrivate: boolean;
  /** The setting that allows them, named in refusals. */
  setting: string;
}

/** A target the policy refuses: the message names the host, what it is and the setting. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  constructor(message: string, readonly reason: AddressKind | 'name' | 'invalid') {
    super(message);
  }
}

type Stage = 'save' | 'connect';

/**
 * The one outbound-address policy: every connection Millrace makes where a tenant says (drains,
 * alert channels, archive endpoints) is checked by it, when the target is saved and again when
 * it connects, on the resolved address, which is then the one connected to, so a name that
 * resolves elsewhere later (DNS rebinding) gains nothing. Clients never follow redirects.
 */
export class OutboundPolicy {
  readonly lookup: net.LookupFunction;

  constructor(private readonly options: OutboundPolicyOptions) {
    this.lookup = ((hostname: string, lookupOptions: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
      this.resolveAll(hostname, 'connect', lookupOptions.family).then(
        (list) => (lookupOptions.all ? callback(null, list) : callback(null, list[0].address, list[0].family)),
        (error: unknown) => callback(error),
      );
    }) as unknown as net.LookupFunction;
  }

  get allowPrivate(): boolean {
    return this.options.allowPrivate;
  }

  /** Refuse an address that is not allowed (throws OutboundRefusedError). */
  checkAddress(ip: ClassifiedAddress, host: string, stage: Stage, resolved = false): void {
    if (ip.kind === 'public') return;
    if (NEVER.has(ip.kind)) this.refuse(`${this.named(host, ip, resolved)}: never reachable`, ip.kind, stage);
    if (!this.options.allowPrivate) this.refuse(`${this.named(host, ip, resolved)}; ${this.options.purpose} may only reach public addresses (${this.options.setting} is off)`, ip.kind, stage);
  }

  /**
   * Check a host when a target is saved: its literal form, its name, and every address it
   * resolves to now. A name that does not resolve now passes (it is checked again on connect).
   */
  async checkHost(host: string): Promise<void> {
    const canonical = this.canonical(host, 'save');
    if (canonical.kind === 'ip') return this.checkAddress(canonical.ip, host, 'save');
    this.checkName(canonical, host, 'save');
    const list = await new Promise<dns.LookupAddress[]>((resolve) => dns.lookup(canonical.name, { all: true }, (error, addresses) => resolve(error ? [] : addresses)));
    for (const entry of list) this.checkResolved(entry.address, host, 'save');
  }

  /** The host of an http(s) URL, checked as `checkHost` does. */
  async checkUrl(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OutboundRefusedError(`${url} is not a URL`, 'invalid');
    }
    await this.checkHost(parsed.hostname);
  }

  /**
   * Resolve a host for a connection: every address it resolves to is checked, and the caller
   * connects to one of them (never to the name again). For clients that take an address
   * (SMTP), the first one is it.
   */
  async resolve(host: string): Promise<{ address: string; family: number }> {
    return (await this.resolveAll(host, 'connect'))[0];
  }

  /** Refuse, before connecting, a literal address a socket would connect to without a lookup. */
  checkLiteral(host: string | undefined | null): void {
    if (!host || net.isIP(host) === 0) return;
    const canonical = this.canonical(host, 'connect');
    if (canonical.kind === 'ip') this.checkAddress(canonical.ip, host, 'connect');
  }

  /** `net.connect` to a checked address. */
  connect(options: net.NetConnectOpts & { host: string; port: number }): net.Socket {
    this.checkLiteral(options.host);
    return net.connect({ ...options, lookup: this.lookup });
  }

  /** `tls.connect` to a checked address. */
  connectTls(options: tls.ConnectionOptions & { host: string; port: number }): tls.TLSSocket {
    this.checkLiteral(options.host);
    return tls.connect({ ...options, lookup: this.lookup });
  }

  /** An HTTP agent whose every connection goes through this policy (also for the AWS SDK's handler). */
  httpAgent(options: http.AgentOptions = {}): http.Agent {
    return new GuardedHttpAgent(this, options);
  }

  httpsAgent(options: https.AgentOptions = {}): https.Agent {
    return new GuardedHttpsAgent(this, options);
  }

  private async resolveAll(hostname: string, stage: Stage, family?: number | string): Promise<dns.LookupAddress[]> {
    const canonical = this.canonical(hostname, stage);
    if (canonical.kind === 'ip') {
      this.checkAddress(canonical.ip, hostname, stage);
      return [{ address: canonical.ip.address, family: canonical.ip.family }];
    }
    this.checkName(canonical, hostname, stage);
    const list = await new Promise<dns.LookupAddress[]>((resolve, reject) =>
      dns.lookup(canonical.name, { all: true, family: family === 'IPv4' ? 4 : family === 'IPv6' ? 6 : ((family as number | undefined) ?? 0) }, (error, addresses) =>
        error ? reject(error) : resolve(addresses)),
    );
    if (list.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
    for (const entry of list) this.checkResolved(entry.address, hostname, stage);
    return list;
  }

  private checkResolved(address: string, host: string, stage: Stage): void {
    const canonical = this.canonical(address, stage);
    if (canonical.kind !== 'ip') this.refuse(`${host} resolved to ${address}, which is not an address`, 'invalid', stage);
    else this.checkAddress(canonical.ip, host, stage, true);
  }

  private checkName(host: Extract<CanonicalHost, { kind: 'name' }>, given: string, stage: Stage): void {
    const kind = classifyName(host.name);
    if (kind === 'metadata') this.refuse(`${given} is a cloud metadata service: never reachable`, 'metadata', stage);
    if (kind !== 'public' && !this.options.allowPrivate) {
      const what = kind === 'local' ? 'a name that only exists inside a network' : 'a single-label name (answered by a search domain or the hosts file)';
      this.refuse(`${given} is ${what}; ${this.options.purpose} may only reach public hosts (${this.options.setting} is off)`, 'name', stage);
    }
  }

  private canonical(host: string, stage: Stage): CanonicalHost {
    try {
      return canonicalHost(host);
    } catch (error) {
      if (error instanceof InvalidHostError) this.refuse(error.message, 'invalid', stage);
      throw error;
    }
  }

/** "127.0.0.1 is a loopback address", "0x7f.1 is 127.0.0.1, a loopback address", "db.example resolves to 10.0.0.5, a private address". */
  private named(host: string, ip: ClassifiedAddress, resolved: boolean): string {
    const { subject, kind } = describeAddress(ip);
    if (resolved) return `${host} resolves to ${subject}, ${kind}`;
    return host.replace(/^\[(.*)\]$/, '$1').toLowerCase() === ip.address ? `${subject} is ${kind}` : `${host} is ${subject}, ${kind}`;
  }

  private refuse(message: string, reason: OutboundRefusedError['reason'], stage: Stage): never {
    outboundRefusals.inc({ purpose: this.options.purpose, reason, stage });
    throw new OutboundRefusedError(message, reason);
  }
}

type CreateConnection = (options: net.NetConnectOpts & { host?: string }, callback: (error: Error | null, socket?: net.Socket) => void) => net.Socket | undefined;

/** Node's agents connect to literal addresses without a lookup: check those, hand names to the policy's lookup. */
function guardedCreateConnection(policy: OutboundPolicy, base: CreateConnection, self: http.Agent): CreateConnection {
  return (options, callback) => {
    try {
      policy.checkLiteral(options.host);
    } catch (error) {
      callback(error as Error);
      return undefined;
    }
    return base.call(self, { ...options, lookup: policy.lookup }, callback);
  };
}

class GuardedHttpAgent extends http.Agent {
  constructor(policy: OutboundPolicy, options: http.AgentOptions) {
    super(options);
    const base = (http.Agent.prototype as unknown as { createConnection: CreateConnection }).createConnection;
    (this as unknown as { createConnection: CreateConnection }).createConnection = guardedCreateConnection(policy, base, this);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(policy: OutboundPolicy, options: https.AgentOptions) {
    super(options);
    const base = (https.Agent.prototype as unknown as { createConnection: CreateConnection }).createConnection;
    (this as unknown as { createConnection: CreateConnection }).createConnection = guardedCreateConnection(policy, base, this);
  }
}
