import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from './nats.tokens';

/**
 * Tracks whether the connection is up right now, so request handlers can refuse quickly (503)
 * while NATS is away instead of waiting for a publish to time out.
 */
@Injectable()
export class NatsStatus implements OnModuleInit {
  private readonly logger = new Logger('NatsStatus');
  private up = true;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  onModuleInit(): void {
    void (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === 'disconnect' || status.type === 'staleConnection') {
          if (this.up) this.logger.warn(`NATS connection lost (${status.type})`);
          this.up = false;
        } else if (status.type === 'reconnect') {
          this.logger.log('NATS connection restored');
          this.up = true;
        }
      }
    })();
  }
}
