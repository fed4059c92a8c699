import type { DataSource } from 'typeorm';
import { DEFAULT_ORG_SETTINGS, Organisation } from '../orgs/organisation.entity';
import { Membership } from './membership.entity';
import { hashPassword, normaliseEmail } from './passwords';
import { User } from './user.entity';

export interface FirstOwnerRequest {
  orgId: string;
  email: string;
  /** Used only when the user does not exist yet; an existing user keeps their password. */
  password: string;
}

export type FirstOwnerResult =
  | { created: true; org: string; orgCreated: boolean; userId: string; userCreated: boolean }
  | { created: false; org: string; reason: 'organisation already has an owner' };

/**
 * Make `email` the owner of `orgId` (creating the organisation and the user if needed), but only
 * while the organisation has no owner. The one way in for a fresh installation: used by the CLI
 * `create-owner` and by the AUTH_BOOTSTRAP_* settings on start; there is no open endpoint.
 */
export async function createFirstOwner(dataSource: DataSource, request: FirstOwnerRequest): Promise<FirstOwnerResult> {
  const email = normaliseEmail(request.email);
  const passwordHash = await hashPassword(request.password);
  return dataSource.transaction(async (m) => {
    const inserted = await m.createQueryBuilder().insert().into(Organisation)
      .values({ id: request.orgId, name: request.orgId, settings: DEFAULT_ORG_SETTINGS })
      .orIgnore().returning('id').execute();
    const orgCreated = inserted.raw.length > 0;
    // Serialises concurrent first starts: only one of them creates the owner.
    await m.query('SELECT id FROM organisations WHERE id = $1 FOR UPDATE', [request.orgId]);
    if (await m.existsBy(Membership, { orgId: request.orgId, role: 'owner' })) {
      return { created: false, org: request.orgId, reason: 'organisation already has an owner' } as const;
    }
    let user = await m.findOneBy(User, { email });
    const userCreated = !user;
    user ??= await m.save(m.create(User, { email, name: null, passwordHash, failedLogins: 0, lockedUntil: null }));
    await m.upsert(Membership, { orgId: request.orgId, userId: user.id, role: 'owner' }, ['orgId', 'userId']);
    return { created: true, org: request.orgId, orgCreated, userId: user.id, userCreated } as const;
  });
}
