import {
  Inject, Injectable, Optional, SetMetadata, createParamDecorator,
  type CanActivate, type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@millrace/service-kit';
import { extractCredential, type CredentialSource } from './credentials';
import { ForbiddenCredentialError, InvalidCredentialError, MissingCredentialError } from './errors';
import { SESSION_VERIFIER, type SessionVerifier } from './session-verifier';
import type { Principal, PrincipalKind, Role, Scope } from './principal';

export interface AuthRequirement {
  /** Credential kinds accepted on this route (default: any). */
  kinds?: PrincipalKind[];
  /** Scopes the principal must hold (all of them). */
  scopes?: Scope[];
  /** For user credentials: the roles allowed (default: any). Other kinds are judged by kinds and scopes. */
  roles?: Role[];
  allowQueryToken?: boolean;
}

export const AUTH_REQUIREMENT = 'millrace:auth-requirement';
export const Auth = (requirement: AuthRequirement = {}): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_REQUIREMENT, requirement);

type AuthenticatedRequest = CredentialSource & { principal?: Principal };

/** The verified principal of the request, as a typed handler parameter. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new MissingCredentialError();
  return principal;
});

/** Resolves an API key to its principal (KeyVerifier over NATS; the auth service uses its own table). */
export interface KeyVerification {
  verify(key: string): Promise<Principal | null>;
}
export const KEY_VERIFICATION = Symbol('KEY_VERIFICATION');

/**
 * Every route needs a verified credential unless marked @PublicRoute(): an API key (verified by
 * the auth service) or a session access token (verified by signature). The principal, never
 * the request body or query, decides the tenant.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(KEY_VERIFICATION) private readonly keys: KeyVerification,
    @Optional() @Inject(SESSION_VERIFIER) private readonly sessions?: SessionVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const requirement = this.reflector.getAllAndOverride<AuthRequirement>(AUTH_REQUIREMENT, targets) ?? {};
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = extractCredential(request, { allowQueryToken: requirement.allowQueryToken });
    if (!credential) throw new MissingCredentialError();
    let principal: Principal | null;
    if (credential.type === 'key') {
      principal = await this.keys.verify(credential.secret);
      if (!principal) throw new InvalidCredentialError();
    } else {
      principal = this.sessions ? await this.sessions.verifySession(credential.token) : null;
      if (!principal) throw new InvalidCredentialError('session token');
    }
    authorise(principal, requirement);
    request.principal = principal;
    return true;
  }
}

export function authorise(principal: Principal, requirement: AuthRequirement): void {
  if (requirement.kinds && !requirement.kinds.includes(principal.kind)) {
    throw new ForbiddenCredentialError(`a ${principal.kind} credential cannot be used here (needs ${requirement.kinds.join(' or ')})`);
  }
  if (principal.kind === 'user' && requirement.roles && !(principal.role && requirement.roles.includes(principal.role))) {
    throw new ForbiddenCredentialError(`the role ${principal.role ?? '(none)'} cannot do this (needs ${requirement.roles.join(' or ')})`);
  }
  const missing = (requirement.scopes ?? []).filter((s) => !principal.scopes.includes(s));
  if (missing.length > 0) {
    const who = principal.kind === 'user' ? `the role ${principal.role}` : `the ${principal.kind} key`;
    throw new ForbiddenCredentialError(`${who} lacks the scope ${missing.join(', ')}`);
  }
}
