import {
  Injectable, SetMetadata, createParamDecorator,
  type CanActivate, type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@millrace/service-kit';
import { extractCredential, type CredentialSource } from './credentials';
import { ForbiddenCredentialError, InvalidCredentialError, MissingCredentialError } from './errors';
import { KeyVerifier } from './key-verifier';
import type { Principal, PrincipalKind, Scope } from './principal';

export interface AuthRequirement {
  /** Credential kinds accepted on this route (default: any). */
  kinds?: PrincipalKind[];
  /** Scopes the principal must hold (all of them). */
  scopes?: Scope[];
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

/** Session tokens are verified by signature; the auth issue plugs a verifier in here. */
export interface SessionVerifier {
  verifySession(token: string): Promise<Principal | null>;
}
export const SESSION_VERIFIER = Symbol('SESSION_VERIFIER');

/**
 * Every route needs a verified credential unless marked @PublicRoute(). The principal, never
 * the request body or query, decides the tenant.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: KeyVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const requirement = this.reflector.getAllAndOverride<AuthRequirement>(AUTH_REQUIREMENT, targets) ?? {};
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = extractCredential(request, { allowQueryToken: requirement.allowQueryToken });
    if (!credential) throw new MissingCredentialError();
    if (credential.type !== 'key') throw new InvalidCredentialError('token');
    const principal = await this.keys.verify(credential.secret);
    if (!principal) throw new InvalidCredentialError();
    authorise(principal, requirement);
    request.principal = principal;
    return true;
  }
}

export function authorise(principal: Principal, requirement: AuthRequirement): void {
  if (requirement.kinds && !requirement.kinds.includes(principal.kind)) {
    throw new ForbiddenCredentialError(`a ${principal.kind} credential cannot be used here (needs ${requirement.kinds.join(' or ')})`);
  }
  const missing = (requirement.scopes ?? []).filter((s) => !principal.scopes.includes(s));
  if (missing.length > 0) throw new ForbiddenCredentialError(`the credential lacks the scope ${missing.join(', ')}`);
}
