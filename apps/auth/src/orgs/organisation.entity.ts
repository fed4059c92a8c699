import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrgSettings } from '@millrace/auth-token';

export type OrganisationSettings = OrgSettings;

export const DEFAULT_ORG_SETTINGS: OrganisationSettings = { retentionClass: 'r30', dailyQuotaBytes: 0, ingestRateLimit: 0 };

/** An organisation is a tenant: its id is the tenant id carried by every subject and document. */
@Entity({ name: 'organisations' })
export class Organisation {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb', default: () => `'${JSON.stringify(DEFAULT_ORG_SETTINGS)}'::jsonb` })
  settings!: OrganisationSettings;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
