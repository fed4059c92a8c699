import { ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isTenantId } from '@millrace/log-schema';
import { DEFAULT_ORG_SETTINGS, Organisation } from './organisation.entity';

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
}
