import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ClientProxyFactory, type ClientProxy } from '@nestjs/microservices';
import { lastValueFrom, timeout } from 'rxjs';
import { AUTH_SUBJECTS } from '@millrace/log-schema';
import type { KeyRevokedEvent } from '@millrace/auth-token';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { natsTransport } from '../nats';

/**
 * Broadcasts `auth.keys.revoked` so every KeyVerifier drops a key hash from its cache at once.
 * Sent on revocation and for the old secret of a rotated key (its cached verdict must be
 * re-asked to learn the grace period). If NATS is unreachable the caches still expire within a minute.
 */
@Injectable()
export class KeyEvents implements OnModuleDestroy {
  private readonly logger = new Logger('KeyEvents');
  private readonly client: ClientProxy;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.client = ClientProxyFactory.create(natsTransport(config, 'auth-events'));
  }

  async evict(keyHashes: Array<string | null>): Promise<void> {
    for (const keyHash of keyHashes) {
      if (!keyHash) continue;
      try {
        const event: KeyRevokedEvent = { keyHash };
        await lastValueFrom(this.client.emit(AUTH_SUBJECTS.keyRevoked, event).pipe(timeout(2_000)), { defaultValue: undefined });
      } catch (error) {
        this.logger.warn(`could not broadcast a key revocation (caches expire within 60 s): ${(error as Error)?.message ?? error}`);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
