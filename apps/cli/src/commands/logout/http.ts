import { call, type Services } from '../../api/clients';

/** Ends the session on the server: its refresh tokens stop working at once. */
export async function endSession(auth: Services['auth']): Promise<void> {
  await call('auth', auth.DELETE('/v1/sessions/current', {}));
}
