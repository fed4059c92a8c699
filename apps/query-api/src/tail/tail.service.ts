import { HttpException, HttpStatus, Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import {
  JETSTREAM, JETSTREAM_MANAGER, SHARED_LIMITS, SharedSlots,
  type JetStreamClient, type JetStreamManager, type SharedLimitsStore,
} from '@millrace/messaging';
import { compileMatcher, parseQuery, type EventMatcher } from '@millrace/query-language';
import { checkQuery, InvalidValueError } from '@millrace/service-kit';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { TailSession, type TailEndReason, type TailSink } from './tail-session';
import { parseTailId } from './tail-id';

const sessionsGauge = (register.getSingleMetric('millrace_tail_sessions') as Gauge) ??
  new Gauge({ name: 'millrace_tail_sessions', help: 'Live tails open on this replica, by transport', labelNames: ['transport'] });
const linesCounter = (register.getSingleMetric('millrace_tail_lines_total') as Counter) ??
  new Counter({ name: 'millrace_tail_lines_total', help: 'Tail lines, by outcome (sent, dropped for a slow client)', labelNames: ['outcome'] });
const endsCounter = (register.getSingleMetric('millrace_tail_ends_total') as Counter) ??
  new Counter({ name: 'millrace_tail_ends_total', help: 'Tails ended, by reason (client, stalled, error, shutdown)', labelNames: ['reason'] });

export type TailTransport = 'sse' | 'websocket';

/** A tail request, validated. */
export interface TailRequest {
  matcher: EventMatcher;
  backlog: number;
  resume?: { seq: number; index: number };
}

/**
 * Live tails of this replica: validates requests, enforces TAIL_MAX_PER_TENANT across every
 * query-api replica (slots shared through JetStream KV, SharedSlots) and TAIL_MAX_TOTAL on this
 * replica (what one process can serve), starts and ends sessions.
 */
@Injectable()
export class TailService implements OnModuleDestroy {
  private readonly logger = new Logger('Tail');
  private readonly byTenant = new Map<string, Set<TailSession>>();
  /** Tails of every tenant on this replica, reserved or open. */
  private total = 0;
  private readonly slots: SharedSlots;
  private lastUnavailableLog = 0;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig,
    @Inject(SHARED_LIMITS) limits: SharedLimitsStore,
  ) {
    this.slots = new SharedSlots(config.TAIL_LIMITS_SHARED ? limits : undefined, {
      prefix: 'tails',
      leaseMs: config.TAIL_SLOT_LEASE_MS,
      onUnavailable: (error) => {
        if (Date.now() - this.lastUnavailableLog < 30_000) return;
        this.lastUnavailableLog = Date.now();
        this.logger.warn(`${error.message}: live tails are counted by this replica alone until they answer`);
      },
    });
  }

  /** The tail asked for (`q`, `backlog` and the resume id, already of the right shape): a 400 naming what cannot be. */
  parse(q: string | undefined, backlog: number | undefined, lastEventId: string | undefined): TailRequest {
    checkQuery(q, { path: 'q', location: 'query' });
    const matcher = compileMatcher(parseQuery(q ?? ''));
    const n = backlog ?? this.config.TAIL_BACKLOG_DEFAULT;
    if (n > this.config.TAIL_BACKLOG_MAX) throw new InvalidValueError({ path: 'backlog', location: 'query' }, `backlog must be at most ${this.config.TAIL_BACKLOG_MAX}`);
    let resume: TailRequest['resume'];
    if (lastEventId !== undefined && lastEventId !== '') {
      resume = parseTailId(lastEventId);
      if (!resume) throw new InvalidValueError({ path: 'lastEventId', location: 'query' }, 'Last-Event-ID must be an id this tail sent (<sequence>-<index>)');
    }
    return { matcher, backlog: n, resume };
  }

  /**
   * Take a slot for the tenant, or 429 when it has TAIL_MAX_PER_TENANT tails open on all
   * replicas together (503 when this replica is full).
   */
  async reserve(tenant: string): Promise<void> {
    if (this.total >= this.config.TAIL_MAX_TOTAL) {
      throw new HttpException({ message: 'this server has too many live tails open; retry', retryAfterSeconds: 5 }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    this.total++;
    if (!(await this.slots.acquire(tenant, this.config.TAIL_MAX_PER_TENANT))) {
      this.total = Math.max(0, this.total - 1);
      throw new HttpException({ message: `too many live tails open for this organisation (at most ${this.config.TAIL_MAX_PER_TENANT}); close one and retry`, retryAfterSeconds: 5 }, HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  /** Start a tail in a reserved slot. Resolves once the backlog is queued and live reading runs. */
  async open(tenant: string, transport: TailTransport, request: TailRequest, sink: TailSink): Promise<TailSession> {
    const session = new TailSession(this.js, this.jsm, sink, {
      tenant, matcher: request.matcher, backlog: request.backlog, resume: request.resume,
      bufferLines: this.config.TAIL_BUFFER_LINES, bufferBytes: this.config.TAIL_BUFFER_BYTES,
      stallMs: this.config.TAIL_STALL_TIMEOUT_MS, heartbeatMs: this.config.TAIL_HEARTBEAT_MS,
    }, (reason, s) => this.ended(tenant, transport, reason, s));
    let set = this.byTenant.get(tenant);
    if (!set) this.byTenant.set(tenant, (set = new Set()));
    set.add(session);
    sessionsGauge.inc({ transport });
    try {
      await session.start();
    } catch (error) {
      this.logger.warn(`tail of ${tenant} failed to start: ${(error as Error).message}`);
      session.end('error');
      throw error;
    }
    return session;
  }

  /** Give a reserved slot back (the request failed before open). */
  release(tenant: string): void {
    this.total = Math.max(0, this.total - 1);
    void this.slots.release(tenant);
  }

  private ended(tenant: string, transport: TailTransport, reason: TailEndReason, session: TailSession): void {
    const set = this.byTenant.get(tenant);
    if (set?.delete(session)) {
      this.total = Math.max(0, this.total - 1);
      void this.slots.release(tenant);
      sessionsGauge.dec({ transport });
    }
    if (set && set.size === 0) this.byTenant.delete(tenant);
    endsCounter.inc({ reason });
    linesCounter.inc({ outcome: 'sent' }, session.sent);
    if (session.dropped) linesCounter.inc({ outcome: 'dropped' }, session.dropped);
    if (reason === 'stalled') this.logger.log(`cut off a stalled tail of ${tenant} (${session.dropped} lines dropped)`);
  }

  openCount(tenant: string): number {
    return this.byTenant.get(tenant)?.size ?? 0;
  }

  async onModuleDestroy(): Promise<void> {
    for (const set of this.byTenant.values()) for (const s of [...set]) s.end('shutdown');
    await this.slots.close().catch(() => undefined);
  }
}
