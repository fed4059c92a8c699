import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Subscription } from '@nats-io/transport-node';
import { DEFAULT_APP, DEFAULT_HOST, STREAMS, encodeMessage, isTenantId, newBatchId, normaliseLevel, parseSubject, parseTimestamp, type RawBatch, type RawLine } from '@millrace/log-schema';
import { ConfigFeed, JETSTREAM, NATS_CONNECTION, type JetStreamClient, type NatsConnection } from '@millrace/messaging';
import { compileMatcher, parseQuery, type EventMatcher } from '@millrace/query-language';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { respond } from '../nats-rpc';
import { drainAttempts, drainBuffered, drainLines, drainsActive } from '../metrics';
import { provisionalEvent, readsContent } from '../routing/rules';
import { DrainWorker, type DrainStatusSnapshot } from './drain-worker';
import type { DrainLine } from './framing';
import { HttpSender, SyslogSender, type DrainSender } from './senders';
import { parseDrainUrl } from '@millrace/drain-targets';
import { outboundPolicy, type OutboundPolicy } from '@millrace/outbound-policy';

/** Request-reply subject answered by the router: `{tenant, ids?}` → `{drains: {[id]: DrainStatusSnapshot}}`. */
export const DRAIN_STATUS_SUBJECT = 'router.drains.status';

/** A drain as the query-api hands it out on the `drains` feed (enabled drains only, full URL). */
export interface DrainItem {
  id: string;
  tenant: string;
  name: string;
  url: string;
  /** HTTP drains: `logplex` (application/logplex-1, the default) or `json`. Ignored for syslog. */
  format?: 'logplex' | 'json';
  query?: string;
}

interface CompiledDrain {
  item: DrainItem;
  /** What identifies the delivery set-up: a change means a new worker. */
  signature: string;
  matcher?: EventMatcher;
  lookInside: boolean;
}

interface DrainStatusRequest {
  tenant?: string;
  ids?: string[];
}

/**
 * Drains, as Logplex has them: every kept line of a tenant (including lines kept out of the
 * index) that passes a drain's filter is queued in that drain's bounded buffer and delivered in
 * batches by the drain's own loop. The router hands lines over without waiting; a slow or dead
 * endpoint only ever costs its own drain lines, which are counted (status, metrics) and
 * announced in the tenant's own log stream ("drain X dropped N lines").
 */
@Injectable()
export class DrainManager implements OnModuleInit {
  private readonly logger = new Logger('Drains');
  private readonly feed: ConfigFeed<DrainItem, CompiledDrain[]>;
  private readonly workers = new Map<string, DrainWorker>();
  private readonly signatures = new Map<string, string>();
  /** Every drain connection is checked by it (DRAINS_ALLOW_PRIVATE_TARGETS). */
  private readonly outbound: OutboundPolicy;
  private subscription?: Subscription;
  private timers: NodeJS.Timeout[] = [];
  private flushing?: Promise<void>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    private readonly db: DataSource,
  ) {
    this.outbound = outboundPolicy('drains', config);
    this.feed = new ConfigFeed<DrainItem, CompiledDrain[]>({
      nc,
      kind: 'drains',
      compile: (items, tenant) => {
        const compiled = items.flatMap((item) => this.compile(item, tenant));
        queueMicrotask(() => this.reconcile(tenant, compiled));
        return compiled;
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.feed.start();
    // The query-api may start after the router: until a first full load succeeds, retry every
    // 2 s rather than waiting for the feed's 30 s refresh.
    const retry = setInterval(() => {
      if (this.feed.ready) clearInterval(retry);
      else void this.feed.reloadAll();
    }, 2000);
    retry.unref();
    // Drains of tenants that have none left (the full reload dropped them) are stopped too.
    const sweep = setInterval(() => this.sweep(), 5_000);
    const flush = setInterval(() => void this.flushStats(), 2_000);
    const report = setInterval(() => void this.reportDrops(), this.config.DRAIN_ERROR_REPORT_MS);
    this.timers = [sweep, flush, report];
    for (const t of this.timers) t.unref();
    this.subscription = respond<DrainStatusRequest, { drains: Record<string, DrainStatusSnapshot> } | { error: string }>(this.nc, DRAIN_STATUS_SUBJECT, (r) => this.status(r));
  }

  /** Called by the router after its consumer stopped, while NATS and PostgreSQL are still up. */
  async shutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    this.feed.stop();
    // Give in-flight deliveries a moment; what is still buffered is lost with the process (counted).
    await Promise.all([...this.workers.values()].map(async (w) => {
      const left = await w.stop(2000);
      if (left.length) w.restoreUnflushed({ delivered: 0, failed: 0, dropped: left.length });
    }));
    await this.flushStats();
    await this.reportDrops();
  }

  private compile(item: DrainItem, tenant: string): CompiledDrain[] {
    if (item.tenant !== tenant) return [];
    try {
      parseDrainUrl(item.url);
      const node = item.query ? parseQuery(item.query) : undefined;
      return [{
        item,
        signature: JSON.stringify([item.url, item.format ?? 'logplex', item.name]),
        matcher: node && node.kind !== 'all' ? compileMatcher(node) : undefined,
        lookInside: node ? readsContent(node) : false,
      }];
    } catch (error) {
      this.logger.warn(`${tenant}: drain ${item.id} skipped: ${(error as Error).message}`);
      return [];
    }
  }

  private sender(item: DrainItem): DrainSender {
    const target = parseDrainUrl(item.url);
    const options = { drainId: item.id, timeoutMs: this.config.DRAIN_TIMEOUT_MS, policy: this.outbound };
    return target.transport.startsWith('syslog') ? new SyslogSender(target, options) : new HttpSender(target, item.format ?? 'logplex', options);
  }

  private reconcile(tenant: string, drains: CompiledDrain[]): void {
    const wanted = new Set(drains.map((d) => d.item.id));
    for (const [id, worker] of this.workers) {
      if (worker.options.tenant === tenant && !wanted.has(id)) void this.retire(id, worker);
    }
    for (const d of drains) {
      const current = this.workers.get(d.item.id);
      if (current && this.signatures.get(d.item.id) === d.signature) continue;
      const type = parseDrainUrl(d.item.url).transport;
      const worker = new DrainWorker({
        id: d.item.id, tenant, name: d.item.name, sender: this.sender(d.item),
        bufferLines: this.config.DRAIN_BUFFER_LINES, bufferBytes: this.config.DRAIN_BUFFER_BYTES,
        batchLines: this.config.DRAIN_BATCH_LINES, flushMs: this.config.DRAIN_FLUSH_MS,
        maxAttempts: this.config.DRAIN_MAX_ATTEMPTS, backoffMaxMs: this.config.DRAIN_BACKOFF_MAX_MS,
        onOutcome: (outcome, n) => drainLines.inc({ outcome, type }, n),
        onAttempt: (ok) => drainAttempts.inc({ result: ok ? 'ok' : 'failed', type }),
      });
      this.workers.set(d.item.id, worker);
      this.signatures.set(d.item.id, d.signature);
      worker.start();
      if (current) {
        // Edited: the new set-up takes over the lines and counters the old one still had.
        void current.stop().then((left) => {
          worker.adopt(left);
          worker.restoreUnflushed(current.takeUnflushed());
        });
      }
      this.logger.log(`${tenant}: drain ${d.item.id} (${d.item.name}) ${current ? 'updated' : 'started'}`);
    }
    drainsActive.set(this.workers.size);
  }

  private async retire(id: string, worker: DrainWorker): Promise<void> {
    this.workers.delete(id);
    this.signatures.delete(id);
    await worker.stop();
    drainsActive.set(this.workers.size);
    this.logger.log(`${worker.options.tenant}: drain ${id} stopped`);
  }

  private sweep(): void {
    for (const [id, worker] of this.workers) {
      const drains = this.feed.get(worker.options.tenant);
      if (!drains || !drains.some((d) => d.item.id === id)) void this.retire(id, worker);
    }
    let buffered = 0;
    for (const w of this.workers.values()) buffered += w.buffer.length;
    drainBuffered.set(buffered);
  }

  /** Whether the tenant has drains (so the router can skip the work when not). */
  has(tenant: string): boolean {
    return this.feed.get(tenant) !== undefined;
  }

  /** Hand a routed batch's kept lines to the tenant's drains. Never waits. */
  offer(batch: RawBatch): void {
    const drains = this.feed.get(batch.tenant);
    if (!drains || drains.length === 0) return;
    const converted: Array<DrainLine | undefined> = new Array(batch.lines.length);
    const toDrain = (i: number): DrainLine => (converted[i] ??= drainLine(batch.lines[i], batch));
    for (const d of drains) {
      const worker = this.workers.get(d.item.id);
      if (!worker) continue;
      const out: DrainLine[] = [];
      for (let i = 0; i < batch.lines.length; i++) {
        if (d.matcher && !d.matcher(provisionalEvent(batch.lines[i], batch, d.lookInside))) continue;
        out.push(toDrain(i));
      }
      worker.offer(out);
    }
  }

  /** Write counters to PostgreSQL (additive upserts), so every replica's deliveries add up. */
  flushStats(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlushStats().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlushStats(): Promise<void> {
    const rows = [...this.workers.values()].map((w) => ({ w, c: w.takeUnflushed() }));
    // Every success adds to delivered and every error to failed or dropped: unchanged counters mean nothing new.
    const changed = rows.filter(({ c }) => c.delivered || c.failed || c.dropped);
    if (changed.length === 0) return;
    const iso = (t: number | null) => (t ? new Date(t).toISOString() : null);
    try {
      await this.db.query(
        `INSERT INTO drain_stats (drain_id, tenant, delivered, failed, dropped, last_error, last_error_at, last_success_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::timestamptz[], $8::timestamptz[])
         ON CONFLICT (drain_id) DO UPDATE SET
           delivered = drain_stats.delivered + EXCLUDED.delivered,
           failed = drain_stats.failed + EXCLUDED.failed,
           dropped = drain_stats.dropped + EXCLUDED.dropped,
           last_error = CASE WHEN EXCLUDED.last_error_at IS NOT NULL AND (drain_stats.last_error_at IS NULL OR EXCLUDED.last_error_at >= drain_stats.last_error_at) THEN EXCLUDED.last_error ELSE drain_stats.last_error END,
           last_error_at = GREATEST(drain_stats.last_error_at, EXCLUDED.last_error_at),
           last_success_at = GREATEST(drain_stats.last_success_at, EXCLUDED.last_success_at),
           updated_at = now()`,
        [
          changed.map(({ w }) => w.options.id), changed.map(({ w }) => w.options.tenant),
          changed.map(({ c }) => c.delivered), changed.map(({ c }) => c.failed), changed.map(({ c }) => c.dropped),
          changed.map(({ w }) => w.lastError), changed.map(({ w }) => iso(w.lastErrorAt)), changed.map(({ w }) => iso(w.lastSuccessAt)),
        ],
      );
    } catch (error) {
      for (const { w, c } of rows) w.restoreUnflushed(c);
      this.logger.warn(`drain status flush failed, kept for the next one: ${(error as Error).message}`);
    }
  }

  /**
   * Tell the tenant, in its own log stream, that a drain dropped lines (Logplex's L10): one error
   * event per drain per DRAIN_ERROR_REPORT_MS at most, published straight to PARSE so it is
   * searchable, tailed and alertable, but never routed to a drain again.
   */
  private async reportDrops(): Promise<void> {
    const byTenant = new Map<string, RawLine[]>();
    for (const w of this.workers.values()) {
      const report = w.takeDroppedForReport();
      if (!report) continue;
      const lines = byTenant.get(w.options.tenant) ?? [];
      lines.push({
        line: `Error L10 (drain buffer overflow): drain "${w.options.name}" (${w.options.id}) dropped ${report.dropped} lines since ${new Date(report.since).toISOString()}; last error: ${w.lastError ?? 'none'}`,
        app: 'millrace', host: 'broker-router', level: 'error', tags: ['drain-error'],
        meta: { drain_id: w.options.id, drain_name: w.options.name, dropped: report.dropped, since: new Date(report.since).toISOString(), code: 'L10' },
      });
      byTenant.set(w.options.tenant, lines);
    }
    for (const [tenant, lines] of byTenant) {
      const batch: RawBatch = { v: 1, tenant, batchId: newBatchId(), receivedAt: Date.now(), source: { protocol: 'http-json' }, lines };
      try {
        await this.js.publish(parseSubject(tenant), encodeMessage(batch), { msgID: batch.batchId, expect: { streamName: STREAMS.PARSE } });
      } catch (error) {
        this.logger.warn(`cannot report drain drops of ${tenant}: ${(error as Error).message}`);
      }
    }
  }

  /** Status of a tenant's drains: PostgreSQL (every replica) plus this replica's unflushed counts. */
  async status(request: DrainStatusRequest): Promise<{ drains: Record<string, DrainStatusSnapshot> } | { error: string }> {
    const tenant = request?.tenant;
    if (!tenant || !isTenantId(tenant)) return { error: 'tenant is required' };
    const ids = Array.isArray(request.ids) ? request.ids.filter((i) => typeof i === 'string').slice(0, 1000) : undefined;
    const rows = (await this.db.query(
      `SELECT drain_id, delivered::text, failed::text, dropped::text, last_error, last_error_at, last_success_at
       FROM drain_stats WHERE tenant = $1 ${ids ? 'AND drain_id = ANY($2)' : ''}`,
      ids ? [tenant, ids] : [tenant],
    )) as Array<{ drain_id: string; delivered: string; failed: string; dropped: string; last_error: string | null; last_error_at: Date | null; last_success_at: Date | null }>;
    const out: Record<string, DrainStatusSnapshot> = {};
    for (const r of rows) {
      out[r.drain_id] = {
        delivered: Number(r.delivered), failed: Number(r.failed), dropped: Number(r.dropped), buffered: 0,
        lastError: r.last_error, lastErrorAt: r.last_error_at ? new Date(r.last_error_at).toISOString() : null,
        lastSuccessAt: r.last_success_at ? new Date(r.last_success_at).toISOString() : null,
      };
    }
    for (const w of this.workers.values()) {
      if (w.options.tenant !== tenant || (ids && !ids.includes(w.options.id))) continue;
      const s = (out[w.options.id] ??= { delivered: 0, failed: 0, dropped: 0, buffered: 0, lastError: null, lastErrorAt: null, lastSuccessAt: null });
      const c = w.peekUnflushed();
      s.delivered += c.delivered;
      s.failed += c.failed;
      s.dropped += c.dropped;
      s.buffered += w.buffer.length;
      if (w.lastErrorAt && (!s.lastErrorAt || w.lastErrorAt >= Date.parse(s.lastErrorAt))) {
        s.lastError = w.lastError;
        s.lastErrorAt = new Date(w.lastErrorAt).toISOString();
      }
      if (w.lastSuccessAt && (!s.lastSuccessAt || w.lastSuccessAt > Date.parse(s.lastSuccessAt))) s.lastSuccessAt = new Date(w.lastSuccessAt).toISOString();
    }
    return { drains: out };
  }
}

/** What a drain sends of a raw line: its text, app, host, level and time (the shipper's, else arrival). */
export function drainLine(line: RawLine, batch: RawBatch): DrainLine {
  const out: DrainLine = {
    ts: parseTimestamp(line.ts) ?? batch.receivedAt,
    app: line.app || DEFAULT_APP,
    host: line.host || DEFAULT_HOST,
    line: line.line,
  };
  const level = normaliseLevel(line.level);
  if (level) out.level = level;
  if (line.tags?.length) out.tags = line.tags;
  if (line.meta) out.meta = line.meta;
  return out;
}
