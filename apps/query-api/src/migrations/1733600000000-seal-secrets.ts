import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Sealer, sealingConfigSchema } from '@millrace/sealing';
import { resealAll } from '../database/sealed-columns';

/**
 * Secrets at rest: drain URLs (credentials), alert channels (webhook secrets, tokens in URLs,
 * routing keys, SMTP passwords) and archive credentials stored before are sealed with
 * SEALING_KEY (archive credentials move from their first format to the sealing one).
 */
export class SealSecrets1733600000000 implements MigrationInterface {
  name = 'SealSecrets1733600000000';

  async up(q: QueryRunner): Promise<void> {
    const sealer = Sealer.fromConfig(sealingConfigSchema.parse(process.env));
    if (!sealer) throw new Error('SEALING_KEY must be set: the query-api migration seals the stored secrets with it');
    await resealAll((sql, params) => q.query(sql, params), sealer);
  }

  async down(): Promise<void> {
    // Secrets stay sealed: opening them again would put them back in clear.
  }
}
