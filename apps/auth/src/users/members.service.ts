import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import type { Principal, Role } from '@millrace/auth-token';
import { RefreshToken } from '../sessions/refresh-token.entity';
import { Membership } from './membership.entity';
import { hashPassword, normaliseEmail } from './passwords';
import { User } from './user.entity';

export interface MemberView {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: Date;
}

export interface AddMember {
  email: string;
  role: Role;
  /** Required when the user does not exist yet; ignored for an existing user. */
  password?: string;
  name?: string;
}

/**
 * Memberships of the caller's organisation. Owners and admins manage members; only owners grant
 * or revoke the owner role; an organisation always keeps at least one owner.
 */
@Injectable()
export class MembersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(tenant: string): Promise<MemberView[]> {
    const rows = await this.db.getRepository(Membership).find({
      where: { orgId: tenant }, relations: { user: true }, order: { createdAt: 'ASC' },
    });
    return rows.map(view);
  }

  async add(actor: Principal, request: AddMember): Promise<MemberView & { userCreated: boolean }> {
    if (request.role === 'owner') requireOwner(actor, 'only owners can grant the owner role');
    const email = normaliseEmail(request.email);
    const passwordHash = request.password ? await hashPassword(request.password) : undefined;
    return this.db.transaction(async (m) => {
      let user = await m.findOneBy(User, { email });
      const userCreated = !user;
      if (!user) {
        if (!passwordHash) throw new BadRequestException('password is required to create a new user');
        await m.createQueryBuilder().insert().into(User)
          .values({ email, name: request.name ?? null, passwordHash, failedLogins: 0, lockedUntil: null })
          .orIgnore().execute();
        user = await m.findOneByOrFail(User, { email });
      }
      if (await m.existsBy(Membership, { orgId: actor.tenant, userId: user.id })) {
        throw new ConflictException(`${email} is already a member of this organisation`);
      }
      const membership = await m.save(m.create(Membership, { orgId: actor.tenant, userId: user.id, role: request.role }));
      return { ...view({ ...membership, user }), userCreated };
    });
  }

  async changeRole(actor: Principal, userId: string, role: Role): Promise<MemberView> {
    return this.db.transaction(async (m) => {
      const target = await this.lockedMember(m, actor.tenant, userId);
      if (target.role === role) return view(target);
      if (target.role === 'owner' || role === 'owner') requireOwner(actor, 'only owners can grant or revoke the owner role');
      if (target.role === 'owner') await this.keepAnOwner(m, actor.tenant, 'demote');
      target.role = role;
      await m.update(Membership, { orgId: actor.tenant, userId }, { role });
      return view(target);
    });
  }

  async remove(actor: Principal, userId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const target = await this.lockedMember(m, actor.tenant, userId);
      if (target.role === 'owner') {
        requireOwner(actor, 'only owners can remove an owner');
        await this.keepAnOwner(m, actor.tenant, 'remove');
      }
      await m.delete(Membership, { orgId: actor.tenant, userId });
      // Their sessions in this organisation end with the membership.
      await m.update(RefreshToken, { orgId: actor.tenant, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    });
  }

  /** The member, with the organisation locked so owner counts cannot race. 404 for anyone outside it. */
  private async lockedMember(m: EntityManager, tenant: string, userId: string): Promise<Membership> {
    await m.query('SELECT id FROM organisations WHERE id = $1 FOR UPDATE', [tenant]);
    const member = await m.findOne(Membership, { where: { orgId: tenant, userId }, relations: { user: true } });
    if (!member) throw new NotFoundException(`member ${userId} not found in this organisation`);
    return member;
  }

  private async keepAnOwner(m: EntityManager, tenant: string, action: 'remove' | 'demote'): Promise<void> {
    const owners = await m.countBy(Membership, { orgId: tenant, role: 'owner' });
    if (owners <= 1) {
      throw new ConflictException(`cannot ${action} the last owner of organisation ${tenant}: make another member owner first`);
    }
  }
}

function requireOwner(actor: Principal, message: string): void {
  if (actor.role !== 'owner') throw new ForbiddenException(message);
}

function view(m: Membership): MemberView {
  return { userId: m.userId, email: m.user?.email ?? '', name: m.user?.name ?? null, role: m.role, joinedAt: m.createdAt };
}
