import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Sealer } from '@millrace/sealing';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { resealAll } from './sealed-columns';

/**
 * After a key rotation (new SEALING_KEY, the old one in SEALING_OLD_KEYS), re-seals every
 * secret the old key sealed, once at start-up and in the background; once it has run, the old
 * key can be removed. Replicas doing it at once are harmless (compare and set per row).
 */
@Injectable()
export class SealingMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger('Sealing');

  constructor(private readonly db: DataSource, @Inject(QUERY_API_CONFIG) private readonly config: QueryApiConfig) {}

  onApplicationBootstrap(): void {
    const sealer = new Sealer(this.config.SEALING_KEY, this.config.SEALING_OLD_KEYS);
    void resealAll((sql, params) => this.db.query(sql, params), sealer).then(
      ({ changed, unreadable }) => {
        if (changed) this.logger.log(`re-sealed ${changed} stored secret(s) with key ${sealer.keyId}`);
        if (unreadable) this.logger.error(`${unreadable} stored secret(s) open with neither SEALING_KEY nor SEALING_OLD_KEYS: put the key that sealed them into SEALING_OLD_KEYS`);
      },
      (error: unknown) => this.logger.error(`re-sealing stored secrets failed: ${(error as Error).message}`),
    );
  }
}
