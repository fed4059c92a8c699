import { call, type RestClient } from '../../api/clients';
import type { SessionAnswer } from '../../api/session';

/** What `GET /v1/me` says about a credential. */
export interface Principal {
  tenant: string;
  kind: 'user' | 'service' | 'ingest';
  role?: string;
  scopes?: string[];
  userId?: string;
  keyId?: string;
  email?: string;
}

export interface LogInBody {
  email: string;
  password: string;
  org?: string;
}

export function logIn(auth: RestClient, body: LogInBody): Promise<SessionAnswer> {
  return call<SessionAnswer>('auth', auth.POST('/v1/sessions', { body }));
}

export function whoAmI(auth: RestClient): Promise<Principal> {
  return call<Principal>('auth', auth.GET('/v1/me', {}));
}
