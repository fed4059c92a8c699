import {
  BadRequestException, ForbiddenException, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException,
  type OnModuleDestroy, type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SHARED_LIMITS, type SharedLimitsStore } from '@millrace/messaging';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { hashKey, type Principal, type Role } from '@millrace/auth-token';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { Membership } from '../users/membership.entity';
import { normaliseEmail, verifyPassword } from '../users/passwords';
import { User } from '../users/user.entity';
import { AddressLimiter } from './address-limiter';
import { RefreshToken } from './refresh-token.entity';

export interface SessionTokens {
  tokenType: 'Bearer';
  accessToken: string;
  /** Seconds the access token lives (900). */
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
  org: string;
  role: Role;
  user: { id: string; email: string };
}

export interface LogIn {
  email: string;
  password: string;
  /** Needed only when the user belongs to several organisations. */
  org?: string;
}

const REFRESH_PREFIX = 'mlr_rt_';
const WRONG_CREDENTIALS = 'email or password is wrong';

/**
 * Log-in, refresh-token rotation with reuse detection, log-out. An account locks after
 * LOGIN_MAX_FAILURES consecutive wrong passwords for LOGIN_LOCK_SECONDS (in PostgreSQL, so for
 * every replica); each address may try LOGIN_ATTEMPTS_PER_MINUTE times a minute, counted once for
 * all replicas (AddressLimiter).
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly limiter: AddressLimiter;
  private cleanup?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly signingKeys: SigningKeysService,
    @Inject(SHARED_LIMITS) limits: SharedLimitsStore,
  ) {
    this.limiter = new AddressLimiter(config.LOGIN_ATTEMPTS_PER_MINUTE, limits);
  }

  onModuleInit(): void {
    // Expired refresh tokens are kept a day (reuse detection needs them), then deleted.
    this.cleanup = setInterval(() => {
      void this.db.query(`DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'`).catch(() => undefined);
    }, 3600_000).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanup);
  }

  async logIn(request: LogIn, address: string): Promise<SessionTokens> {
    await this.limiter.hit(address);
    const user = await this.db.getRepository(User).findOneBy({ email: normaliseEmail(request.email) });
    if (!user) {
      await verifyPassword(undefined, request.password); // same time as a real check
      throw new UnauthorizedException(WRONG_CREDENTIALS);
    }
    const attempt = await this.reserveAttempt(user.id);
    if (attempt === undefined) throw await this.locked(user.id);
    if (!(await verifyPassword(user.passwordHash, request.password))) {
      await this.recordFailure(user.id, attempt);
      throw new UnauthorizedException(WRONG_CREDENTIALS);
    }
    await this.db.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);

    const memberships = await this.db.getRepository(Membership).find({ where: { userId: user.id }, order: { orgId: 'ASC' } });
    let membership: Membership | undefined;
    if (request.org) {
      membership = memberships.find((m) => m.orgId === request.org);
      if (!membership) throw new ForbiddenException(`you are not a member of organisation ${request.org}`);
    } else if (memberships.length === 1) {
      membership = memberships[0];
    } else if (memberships.length === 0) {
      throw new ForbiddenException('you are not a member of any organisation');
    } else {
      throw new BadRequestException({
        message: `you belong to several organisations: say which one with "org" (${memberships.map((m) => m.orgId).join(', ')})`,
        details: { orgs: memberships.map((m) => m.orgId) },
      });
    }
    return this.issue(user, membership, randomUUID());
  }

  /**
   * Exchange a refresh token for a new access token and a new refresh token. Each refresh token
   * works once: presenting one that was already used revokes every token of its session
   * (someone else has a copy), and both holders must log in again.
   */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const invalid = () => new UnauthorizedException('the refresh token is not valid (unknown, expired, revoked or already used)');
    if (!refreshToken.startsWith(REFRESH_PREFIX)) throw invalid();
    const tokens = this.db.getRepository(RefreshToken);
    const token = await tokens.findOneBy({ tokenHash: hashKey(refreshToken) });
    if (!token || token.revokedAt || token.expiresAt.getTime() <= Date.now()) throw invalid();
    // Used up atomically: of two concurrent refreshes with one token, only one wins.
    const [claimed] = await this.db.query(
      'UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING id', [token.id],
    );
    if (claimed.length === 0) {
      await this.revokeFamily(token.familyId);
      throw new UnauthorizedException('the refresh token was already used: the session is ended for safety; log in again');
    }
    const membership = await this.db.getRepository(Membership).findOneBy({ orgId: token.orgId, userId: token.userId });
    const user = await this.db.getRepository(User).findOneBy({ id: token.userId });
    if (!membership || !user) {
      await this.revokeFamily(token.familyId);
      throw invalid();
    }
    return this.issue(user, membership, token.familyId);
  }

  /**
   * Move a signed-in user to another organisation they belong to (the console's organisation
   * switcher): the current session ends and a new one starts in `org`, checked against the
   * memberships as they are now.
   */
  async switchOrg(principal: Principal, org: string): Promise<SessionTokens> {
    if (!principal.sessionId || !principal.userId) throw new BadRequestException('this credential has no session');
    const user = await this.db.getRepository(User).findOneBy({ id: principal.userId });
    const membership = user ? await this.db.getRepository(Membership).findOneBy({ orgId: org, userId: user.id }) : null;
    if (!user || !membership) throw new ForbiddenException(`you are not a member of organisation ${org}`);
    // The session must still be alive: a logged-out or revoked session cannot be moved.
    const live = await this.db.getRepository(RefreshToken).countBy({ familyId: principal.sessionId, userId: user.id, revokedAt: IsNull() });
    if (live === 0) throw new UnauthorizedException('this session has ended; log in again');
    await this.revokeFamily(principal.sessionId);
    return this.issue(user, membership, randomUUID());
  }

  /** The organisations a signed-in user belongs to, with their role in each. */
  async organisationsOf(principal: Principal): Promise<Array<{ org: string; name: string; role: Role }>> {
    if (!principal.userId) throw new BadRequestException('this credential has no user');
    const rows: Array<{ org: string; name: string; role: Role }> = await this.db.query(
      `SELECT m.org_id AS org, o.name AS name, m.role AS role FROM memberships m JOIN organisations o ON o.id = m.org_id
        WHERE m.user_id = $1 ORDER BY m.org_id`, [principal.userId],
    );
    return rows;
  }

  /** End the session of this access token (its refresh tokens stop working). */
  async logOut(principal: Principal): Promise<void> {
    if (!principal.sessionId || !principal.userId) throw new BadRequestException('this credential has no session');
    await this.db.getRepository(RefreshToken).update(
      { familyId: principal.sessionId, userId: principal.userId, revokedAt: IsNull() }, { revokedAt: new Date() },
    );
  }

  /** End every session of the user, in every organisation. */
  async logOutEverywhere(principal: Principal): Promise<void> {
    if (!principal.userId) throw new BadRequestException('this credential has no user');
    await this.db.getRepository(RefreshToken).update({ userId: principal.userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async issue(user: User, membership: Membership, familyId: string): Promise<SessionTokens> {
    const refreshToken = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    const refreshExpiresAt = new Date(Date.now() + this.config.SESSION_REFRESH_TTL_SECONDS * 1000);
    await this.db.getRepository(RefreshToken).insert({
      familyId, userId: user.id, orgId: membership.orgId, tokenHash: hashKey(refreshToken), expiresAt: refreshExpiresAt, usedAt: null, revokedAt: null,
    });
    const accessToken = await this.signingKeys.sign({ userId: user.id, tenant: membership.orgId, role: membership.role, sessionId: familyId });
    return {
      tokenType: 'Bearer', accessToken, expiresIn: this.signingKeys.accessTtlSeconds, refreshToken, refreshExpiresAt,
      org: membership.orgId, role: membership.role, user: { id: user.id, email: user.email },
    };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.getRepository(RefreshToken).update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /**
   * Count the attempt before checking the password, so parallel guesses cannot exceed the
   * limit. Returns the attempt's number, or undefined when the account is locked.
   */
  private async reserveAttempt(userId: string): Promise<number | undefined> {
    const [rows] = await this.db.query(
      `UPDATE users SET failed_logins = failed_logins + 1
        WHERE id = $1 AND failed_logins < $2 AND (locked_until IS NULL OR locked_until <= now())
        RETURNING failed_logins`,
      [userId, this.config.LOGIN_MAX_FAILURES],
    );
    return rows[0]?.failed_logins;
  }

  private async recordFailure(userId: string, attempt: number): Promise<void> {
    if (attempt >= this.config.LOGIN_MAX_FAILURES) {
      await this.db.query(
        `UPDATE users SET failed_logins = 0, locked_until = now() + make_interval(secs => $2) WHERE id = $1`,
        [userId, this.config.LOGIN_LOCK_SECONDS],
      );
    }
  }

  private async locked(userId: string): Promise<HttpException> {
    const user = await this.db.getRepository(User).findOneBy({ id: userId });
    const until = user?.lockedUntil && user.lockedUntil.getTime() > Date.now() ? user.lockedUntil : new Date(Date.now() + 5_000);
    const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    return new HttpException(
      {
        message: `the account is locked after ${this.config.LOGIN_MAX_FAILURES} wrong passwords in a row; retry after ${until.toISOString()}`,
        code: 'account_locked',
        retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
