import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { createFirstOwner } from './first-owner';

/** AUTH_BOOTSTRAP_ORG / _OWNER_EMAIL / _OWNER_PASSWORD: the first owner, made on start if the org has none. */
@Injectable()
export class BootstrapOwner implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapOwner');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { AUTH_BOOTSTRAP_ORG: orgId, AUTH_BOOTSTRAP_OWNER_EMAIL: email, AUTH_BOOTSTRAP_OWNER_PASSWORD: password } = this.config;
    if (!orgId || !email || !password) return;
    const result = await createFirstOwner(this.db, { orgId, email, password });
    if (result.created) {
      this.logger.log(`created the first owner (user ${result.userId}) of organisation ${orgId}${result.orgCreated ? ' (new organisation)' : ''}`);
    } else {
      this.logger.log(`organisation ${orgId} already has an owner: AUTH_BOOTSTRAP_* settings ignored`);
    }
  }
}
