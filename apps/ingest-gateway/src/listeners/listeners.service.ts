import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BatchSource, RawLine } from '@millrace/log-schema';
import { KeyVerifier } from '@millrace/auth-token';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BrokerUnavailableError, IngestService, TenantLimitError } from '../ingest/ingest.service';
import { alterations, connectionEvents, gelfChunks, linesRefused, refusals, syslogBufferedBytes, syslogConnections, syslogPaused, unauthenticatedLines } from '../ingest/metrics';
import { BufferBudget, KeyCache, type LineSink, type ListenerMetrics, type PublishResult } from './sink';
import { SyslogServer } from './syslog-server';
import { GelfUdpListener, SyslogUdpListener } from './udp';

/** `/metrics` counters behind the listeners' reports. */
export const listenerMetrics: ListenerMetrics = {
  refused: (protocol, reason, count = 1) => {
    // IngestService already counted the refused batch itself under these reasons.
    if (reason !== 'quota_exceeded') refusals.inc({ protocol, reason }, count);
    linesRefused.inc({ protocol, reason }, count);
  },
  unauthenticated: (listener, reason, _key, count = 1) => {
    const protocol = listener.startsWith('gelf') ? 'gelf' : 'syslog';
    const refusal = reason === 'no_key' ? 'unauthenticated' : reason;
    refusals.inc({ protocol, reason: refusal }, count);
    linesRefused.inc({ protocol, reason: refusal }, count);
    unauthenticatedLines.inc({ listener, reason }, count);
  },
  altered: (protocol, reason, count = 1) => alterations.inc({ protocol, reason }, count),
  connection: (transport, event) => connectionEvents.inc({ transport, event }),
  open: (transport, delta) => syslogConnections.inc({ transport }, delta),
  paused: (delta) => syslogPaused.inc(delta),
  buffered: (bytes) => syslogBufferedBytes.set(bytes),
};

/**
 * The gateway's non-HTTP listeners: syslog over TCP and TLS (and UDP), GELF over UDP. Each is
 * on only when its port is set. They publish through the same IngestService as the HTTP routes,
 * so the same rate limits, quotas and 503 conditions apply, answered by back-pressure on TCP.
 */
@Injectable()
export class ListenersService implements OnApplicationBootstrap, BeforeApplicationShutdown, LineSink {
  private readonly logger = new Logger('Listeners');
  private readonly tcp: SyslogServer[] = [];
  private readonly udp: Array<SyslogUdpListener | GelfUdpListener> = [];
  readonly keys = new KeyCache(this);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly ingest: IngestService,
    private readonly verifier: KeyVerifier,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    const host = c.LISTEN_HOST ?? c.HTTP_HOST;
    const budget = new BufferBudget(c.SYSLOG_MAX_BUFFERED_BYTES, listenerMetrics);
    const common = {
      host, budget, maxConnections: c.SYSLOG_MAX_CONNECTIONS, idleTimeoutMs: c.SYSLOG_IDLE_TIMEOUT_MS,
      batchLines: c.SYSLOG_BATCH_LINES, batchBytes: c.SYSLOG_BATCH_BYTES, flushMs: c.SYSLOG_FLUSH_MS, metrics: listenerMetrics,
    };
    if (c.SYSLOG_TCP_PORT !== undefined) {
      this.tcp.push(new SyslogServer({ ...common, transport: 'tcp', port: c.SYSLOG_TCP_PORT, boundKey: c.SYSLOG_TCP_KEY }, this, this.keys));
    }
    if (c.SYSLOG_TLS_PORT !== undefined) {
      const tls = { cert: readFileSync(c.SYSLOG_TLS_CERT_FILE!), key: readFileSync(c.SYSLOG_TLS_KEY_FILE!) };
      this.tcp.push(new SyslogServer({ ...common, transport: 'tls', port: c.SYSLOG_TLS_PORT, tls, boundKey: c.SYSLOG_TLS_INGEST_KEY }, this, this.keys));
    }
    const udpCommon = { host, batchLines: c.SYSLOG_BATCH_LINES, flushMs: c.SYSLOG_FLUSH_MS, maxBufferedBytes: 64 * 1024 * 1024, metrics: listenerMetrics };
    if (c.SYSLOG_UDP_PORT !== undefined) this.udp.push(new SyslogUdpListener({ ...udpCommon, port: c.SYSLOG_UDP_PORT, boundKey: c.SYSLOG_UDP_KEY }, this, this.keys));
    if (c.GELF_UDP_PORT !== undefined) {
      this.udp.push(new GelfUdpListener({ ...udpCommon, port: c.GELF_UDP_PORT, boundKey: c.GELF_UDP_KEY }, this, this.keys, (outcome, n) => gelfChunks.inc({ outcome }, n)));
    }
    for (const server of this.tcp) {
      await server.listen();
      this.logger.log(`syslog over ${server.options.transport.toUpperCase()} on ${host}:${server.port}${server.options.boundKey ? ' (bound to one organisation)' : ''}`);
    }
    for (const listener of this.udp) {
      await listener.listen();
      this.logger.log(`${listener.protocol} over UDP on ${host}:${listener.port}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    const timeout = Math.max(1000, this.config.SHUTDOWN_TIMEOUT_MS - 1000);
    await Promise.all([...this.tcp.map((s) => s.close(timeout)), ...this.udp.map((l) => l.close())]);
  }

  /** Ports actually bound, by listener (for tests with port 0). */
  ports(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.tcp) out[`syslog-${s.options.transport}`] = s.port;
    for (const l of this.udp) out[`${l.protocol}-udp`] = l.port;
    return out;
  }

  async resolveKey(key: string): Promise<string | null> {
    const principal = await this.verifier.verify(key);
    if (!principal || principal.kind !== 'ingest' || !principal.scopes.includes('logs:write')) return null;
    return principal.tenant;
  }

  private readonly batchKeys = new WeakMap<RawLine[], string>();

  async publish(tenant: string, lines: RawLine[], source: BatchSource): Promise<PublishResult> {
    // One idempotency key per batch, kept across retries: a batch split in two broker messages
    // of which one was stored before a failure is stored once when retried.
    let idempotencyKey = this.batchKeys.get(lines);
    if (idempotencyKey === undefined) {
      idempotencyKey = randomUUID();
      this.batchKeys.set(lines, idempotencyKey);
    }
    try {
      await this.ingest.ingest(tenant, lines, source, { idempotencyKey });
      return { ok: true };
    } catch (error) {
      if (error instanceof TenantLimitError) {
        if (error.refusal.reason === 'quota_exceeded') return { ok: false, drop: 'quota_exceeded' };
        return { ok: false, retryAfterMs: error.refusal.retryAfterMs, reason: error.refusal.reason };
      }
      if (error instanceof BrokerUnavailableError) return { ok: false, retryAfterMs: 1000, reason: 'broker_unavailable' };
      this.logger.warn(`publishing ${source.protocol} lines failed: ${(error as Error).message}`);
      return { ok: false, retryAfterMs: 1000, reason: 'internal' };
    }
  }
}
