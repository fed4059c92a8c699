import { call, type Services } from '../../api/clients';
import { userBody, type AuthSchemas } from '../../api/types';
import { CliError } from '../../errors';
import type { ResourceApi } from '../shared/resource';

/** A key as listed; create and rotate add the secret, shown only then. */
export type Key = AuthSchemas['Key'] & { secret?: string };

const list = async (s: Services): Promise<Key[]> => (await call('auth', s.auth.GET('/v1/keys', {}))).keys;

export const keysApi: ResourceApi<Key> & { rotate(s: Services, id: string, graceSeconds?: number): Promise<Key> } = {
  list,
  // The API has no single-key route: the list holds every key.
  get: async (s, id) => {
    const key = (await list(s)).find((k) => k.id === id || k.prefix === id);
    if (!key) throw new CliError(`no key ${id} in this organisation`);
    return key;
  },
  create: (s, body) => call('auth', s.auth.POST('/v1/keys', { body: userBody(body) })),
  rotate: (s, id, graceSeconds) => call('auth', s.auth.POST('/v1/keys/{id}/rotate', { params: { path: { id } }, body: graceSeconds === undefined ? {} : { graceSeconds } })),
  remove: (s, id) => call('auth', s.auth.DELETE('/v1/keys/{id}', { params: { path: { id } } })).then(() => undefined),
};
