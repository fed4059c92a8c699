import { call, type Services } from '../../api/clients';
import type { AuthSchemas } from '../../api/types';

export type Principal = AuthSchemas['Principal'];
export type LogInBody = AuthSchemas['LogInRequest'];
export type SessionAnswer = AuthSchemas['SessionTokens'];

export function logIn(auth: Services['auth'], body: LogInBody): Promise<SessionAnswer> {
  return call('auth', auth.POST('/v1/sessions', { body }));
}

export function whoAmI(auth: Services['auth']): Promise<Principal> {
  return call('auth', auth.GET('/v1/me', {}));
}
