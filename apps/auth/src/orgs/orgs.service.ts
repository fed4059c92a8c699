import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isTenantId } from '@millrace/log-schema';
import type { OrgSettings } from '@millrace/auth-token';
import { DEFAULT_ORG_SETTINGS, Organisation } from './organisation.entity';

export interface OrgView {
  id: string;
  name: string;
  createdAt: Date;
  settings: OrgSettings;
}

@Injectable()
export class OrgsService {
  constructor(@InjectRepository(Organisation) private readonly orgs: Repository<Organisation>) {}

  async create(id: string, name: string): Promise<Organisation> {
    if (!isTenantId(id)) throw new ConflictException(`organisation id "${id}" must match [a-z0-9][a-z0-9_-]{0,62}`);
    if (await this.orgs.findOneBy({ id })) throw new ConflictException(`organisation "${id}" already exists`);
    return this.orgs.save(this.orgs.create({ id, name, settings: DEFAULT_ORG_SETTINGS }));
  }

  find(id: string): Promise<Organisation | null> {
    return this.orgs.findOneBy({ id });
  }

  /** The caller's own organisation (the tenant of its credential). */
  async get(tenant: string): Promise<OrgView> {
    const org = await this.orgs.findOneBy({ id: tenant });
    if (!org) throw new NotFoundException(`organisation ${tenant} not found`);
    return view(org);
  }

  async updateSettings(tenant: string, changes: Partial<OrgSettings> & { name?: string }): Promise<OrgView> {
    const org = await this.orgs.findOneBy({ id: tenant });
    if (!org) throw new NotFoundException(`organisation ${tenant} not found`);
    const { name, ...settings } = changes;
    org.settings = { ...DEFAULT_ORG_SETTINGS, ...org.settings, ...settings };
    if (name !== undefined) org.name = name;
    return view(await this.orgs.save(org));
  }

  /** Settings for other services (`auth.orgs.settings`), defaults filled in. */
  async settingsOf(tenant: string): Promise<OrgSettings | null> {
    const org = await this.orgs.findOneBy({ id: tenant });
    return org ? { ...DEFAULT_ORG_SETTINGS, ...org.settings } : null;
  }
}

function view(org: Organisation): OrgView {
  return { id: org.id, name: org.name, createdAt: org.createdAt, settings: { ...DEFAULT_ORG_SETTINGS, ...org.settings } };
}
