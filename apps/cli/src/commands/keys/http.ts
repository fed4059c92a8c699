import { call, type Services } from '../../api/clients';
import { CliError } from '../../errors';
import type { ResourceApi } from '../shared/resource';

export interface Key {
  id: string;
  name: string;
  kind: 'ingest' | 'service';
  scopes: string[];
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  previousSecretValidUntil?: string | null;
  /** Only in the answer of create and rotate. */
  secret?: string;
}

const list = async (s: Services) => (await call<{ keys: Key[] }>('auth', s.auth.GET('/v1/keys', {}))).keys;

export const keysApi: ResourceApi<Key> & { rotate(s: Services, id: string, graceSeconds?: number): Promise<Key> } = {
  list,
  // The API has no single-key route: the list holds every key.
  get: async (s, id) => {
    const key = (await list(s)).find((k) => k.id === id || k.prefix === id);
    if (!key) throw new CliError(`no key ${id} in this organisation`);
    return key;
  },
  create: (s, body) => call<Key>('auth', s.auth.POST('/v1/keys', { body })),
  rotate: (s, id, graceSeconds) => call<Key>('auth', s.auth.POST('/v1/keys/{id}/rotate', { params: { path: { id } }, body: graceSeconds === undefined ? {} : { graceSeconds } })),
  remove: (s, id) => call<void>('auth', s.auth.DELETE('/v1/keys/{id}', { params: { path: { id } } })),
};
