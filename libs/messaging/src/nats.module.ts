import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConfig, ReadinessCheck } from '@millrace/service-kit';
import { connectNats } from './connection';
import { ensureStreams, pipelineStreamConfigs } from './streams';

import { JETSTREAM, JETSTREAM_MANAGER, NATS_CONNECTION, SHARED_LIMITS } from './nats.tokens';
import { NatsStatus } from './nats-status';
import { SharedLimitsStore } from './limits/store';

export { JETSTREAM, JETSTREAM_MANAGER, NATS_CONNECTION, SHARED_LIMITS };

/** Drains the connection last, after consumers stopped pulling in beforeApplicationShutdown. */
@Injectable()
export class NatsLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch (error) {
      this.logger.warn(`drain failed: ${(error as Error).message}`);
    }
  }
}

@Injectable()
export class NatsReadiness implements ReadinessCheck {
  readonly name = 'nats';
  constructor(@Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager) {}

  async check(): Promise<void> {
    // Asks the JetStream API itself: a connected client with JetStream unavailable is not ready.
    await this.jsm.getAccountInfo();
  }
}

export interface NatsModuleOptions {
  config: NatsConfig;
  /** Connection name shown by the NATS server (the service's name). */
  name: string;
  /** Create or update the pipeline streams at start (services that publish do). */
  ensureStreams?: boolean;
}

@Module({})
export class NatsModule {
  static forRoot(options: NatsModuleOptions): DynamicModule {
    return {
      module: NatsModule,
      global: true,
      providers: [
        { provide: NATS_CONNECTION, useFactory: () => connectNats(options.config, options.name) },
        {
          provide: JETSTREAM_MANAGER,
          useFactory: async (nc: NatsConnection) => {
            const jsm = await jetstreamManager(nc);
            if (options.ensureStreams) await ensureStreams(jsm, pipelineStreamConfigs(options.config));
            return jsm;
          },
          inject: [NATS_CONNECTION],
        },
        { provide: JETSTREAM, useFactory: (nc: NatsConnection) => jetstream(nc, { timeout: 10000 }), inject: [NATS_CONNECTION] },
        {
          provide: SHARED_LIMITS,
          useFactory: (nc: NatsConnection) => new SharedLimitsStore(nc, { replicas: options.config.JETSTREAM_REPLICAS }),
          inject: [NATS_CONNECTION],
        },
        NatsLifecycle,
        NatsReadiness,
        NatsStatus,
      ],
      exports: [NATS_CONNECTION, JETSTREAM, JETSTREAM_MANAGER, SHARED_LIMITS, NatsReadiness, NatsStatus],
    };
  }
}

export type { NatsConnection, JetStreamClient, JetStreamManager };
