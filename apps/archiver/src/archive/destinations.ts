import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigFeed, NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { ARCHIVER_CONFIG, type ArchiverConfig } from '../config';
import { FsStore } from '../stores/fs-store';
import { S3Store } from '../stores/s3-store';
import { StoreError, type ArchiveStore } from '../stores/store';
import type { ArchiveConfigItem, ArchiveDestination, DestinationSecret, DestinationStatusView } from '@millrace/archive-contract';
import { failingDestinations } from './metrics';
import { Sealer } from '@millrace/sealing';
import { outboundPolicy, type OutboundPolicy } from '@millrace/outbound-policy';

/** A tenant's archive as the archiver uses it: its destination and a store to reach it. */
export interface TenantArchive {
  tenant: string;
  version: number;
  enabled: boolean;
  destination: ArchiveDestination;
  /** Changes whenever the configuration does. */
  destinationId: string;
  prefix: string;
  store?: ArchiveStore;
  /** Why no store could be made (no encryption key, unopenable secret, path outside the root…). */
  error?: string;
}

interface Health {
  failing: boolean;
  since: number;
  lastError?: string;
  lastUploadAt?: number;
  /** While failing, deliveries are nak'ed at once; a successful probe closes the circuit. */
  circuitOpen: boolean;
}

/**
 * The tenants' archive destinations: configuration from the query-api (`config.archives.get`
 * through ConfigFeed, credentials sealed end to end), one store per tenant and version, and
 * each destination's health as the uploads and probes see it.
 */
@Injectable()
export class Destinations implements OnModuleDestroy {
  private readonly logger = new Logger('Destinations');
  private readonly sealer?: Sealer;
  /** S3 connections are checked by it when they are made (ARCHIVE_ALLOW_PRIVATE_ENDPOINTS). */
  private readonly outbound: OutboundPolicy;
  private readonly feed: ConfigFeed<ArchiveConfigItem, TenantArchive>;
  private readonly current = new Map<string, TenantArchive>();
  private readonly health = new Map<string, Health>();
  private probeTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(ARCHIVER_CONFIG) private readonly config: ArchiverConfig,
  ) {
    this.sealer = Sealer.fromConfig(config);
    this.outbound = outboundPolicy('archives', config);
    this.feed = new ConfigFeed<ArchiveConfigItem, TenantArchive>({
      nc,
      kind: 'archives',
      compile: (items, tenant) => this.compile(items, tenant),
      refreshMs: 30_000,
    });
  }

  /** Load every tenant's configuration; resolves only once it is loaded (events must not be acked as "no archive" before). */
  async start(): Promise<void> {
    await this.feed.start();
    let waited = 0;
    while (!this.feed.ready && !this.stopped) {
      if (waited % 10_000 === 0) this.logger.warn('waiting for the archive configuration (config.archives.get on the query-api)');
      await new Promise((r) => setTimeout(r, 1000));
      waited += 1000;
      await this.feed.reloadAll();
    }
    this.probeTimer = setInterval(() => void this.probe(), this.config.ARCHIVE_PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  get ready(): boolean {
    return this.feed.ready;
  }

  /** The tenant's archive, or undefined when it has none (or it is disabled). */
  get(tenant: string): TenantArchive | undefined {
    const archive = this.feed.get(tenant);
    return archive?.enabled ? archive : undefined;
  }

  /** Refresh one tenant now (a rehydration must not wait for the change notice). */
  reload(tenant: string): Promise<void> {
    return this.feed.reload(tenant);
  }

  circuitOpen(tenant: string): boolean {
    return this.health.get(tenant)?.circuitOpen ?? false;
  }

  markSuccess(tenant: string, at = Date.now()): void {
    const health = this.health.get(tenant);
    if (health?.failing) this.logger.log(`archive destination of ${tenant} works again`);
    this.health.set(tenant, { failing: false, since: health?.failing ? at : (health?.since ?? at), lastUploadAt: at, circuitOpen: false });
    this.updateGauge();
  }

  markFailure(tenant: string, error: unknown, at = Date.now()): void {
    const health = this.health.get(tenant);
    const message = error instanceof Error ? error.message : String(error);
    if (!health?.failing) this.logger.warn(`archive destination of ${tenant} fails: ${message}`);
    this.health.set(tenant, {
      failing: true,
      since: health?.failing ? health.since : at,
      lastError: message.slice(0, 500),
      lastUploadAt: health?.lastUploadAt,
      circuitOpen: true,
    });
    this.updateGauge();
  }

  /** Failing destinations, for `/health/archive`. */
  failing(): DestinationStatusView[] {
    return [...this.health.entries()].filter(([, h]) => h.failing).map(([tenant]) => this.status(tenant));
  }

  status(tenant: string): DestinationStatusView {
    const archive = this.get(tenant);
    const health = this.health.get(tenant);
    if (!archive) return { tenant, configured: false, state: 'unknown' };
    if (archive.error) return { tenant, configured: true, state: 'failing', lastError: archive.error };
    return {
      tenant,
      configured: true,
      state: health ? (health.failing ? 'failing' : 'ok') : 'unknown',
      since: health ? new Date(health.since).toISOString() : undefined,
      lastError: health?.failing ? health.lastError : undefined,
      lastUploadAt: health?.lastUploadAt ? new Date(health.lastUploadAt).toISOString() : undefined,
    };
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.feed.stop();
    if (this.probeTimer) clearInterval(this.probeTimer);
  }

  /** While a destination fails, ask it now and then whether it is back; a yes closes the circuit. */
  private async probe(): Promise<void> {
    for (const [tenant, health] of this.health) {
      if (!health.circuitOpen) continue;
      const archive = this.get(tenant);
      if (!archive?.store) {
        if (!archive) this.health.delete(tenant);
        continue;
      }
      try {
        await archive.store.check();
        health.circuitOpen = false;
        this.logger.log(`archive destination of ${tenant} answers again; retrying uploads`);
      } catch (error) {
        health.lastError = (error as Error).message.slice(0, 500);
      }
    }
    this.updateGauge();
  }

  private updateGauge(): void {
    let n = 0;
    for (const h of this.health.values()) if (h.failing) n++;
    failingDestinations.set(n);
  }

  private compile(items: ArchiveConfigItem[], tenant: string): TenantArchive {
    const item = items[items.length - 1];
    const previous = this.current.get(tenant);
    if (previous && previous.version === item.version && previous.destinationId.endsWith(`@${item.updatedAt}`)) return previous;
    const archive: TenantArchive = {
      tenant,
      version: item.version,
      enabled: item.enabled,
      destination: item.destination,
      destinationId: `${tenant}@${item.version}@${item.updatedAt}`,
      prefix: item.destination.prefix ?? '',
    };
    try {
      archive.store = this.createStore(item);
    } catch (error) {
      archive.error = error instanceof Error ? error.message : String(error);
      this.logger.warn(`archive destination of ${tenant} cannot be used: ${archive.error}`);
    }
    this.current.set(tenant, archive);
    // Parts still uploading may use the old store: close it once they are surely done.
    if (previous?.store) setTimeout(() => previous.store?.close(), 10 * 60_000).unref();
    this.health.delete(tenant);
    return archive;
  }

  private createStore(item: ArchiveConfigItem): ArchiveStore {
    const d = item.destination;
    if (d.type === 'filesystem') {
      if (!this.config.ARCHIVE_FS_ROOT) throw new StoreError('filesystem destinations are off on this archiver (ARCHIVE_FS_ROOT is not set)', true);
      return new FsStore(this.config.ARCHIVE_FS_ROOT, d);
    }
    if (d.type === 's3') {
      if (!item.sealedSecret) throw new StoreError('the destination has no credentials', true);
      if (!this.sealer) throw new StoreError('SEALING_KEY is not set on the archiver: it cannot open the destination credentials', true);
      let secret: DestinationSecret;
      try {
        secret = this.sealer.openJson<DestinationSecret>(`archive:${item.tenant}`, item.sealedSecret);
      } catch {
        throw new StoreError('the destination credentials do not open with SEALING_KEY or SEALING_OLD_KEYS', true);
      }
      return new S3Store(d, secret.secretAccessKey, { timeoutMs: this.config.ARCHIVE_STORE_TIMEOUT_MS, policy: this.outbound });
    }
    throw new StoreError(`unknown destination type ${(d as { type?: string }).type}`, true);
  }
}
