import { call, type RestClient } from '../../api/clients';

/** Ends the session on the server: its refresh tokens stop working at once. */
export async function endSession(auth: RestClient): Promise<void> {
  await call<void>('auth', auth.DELETE('/v1/sessions/current', {}));
}
