import { call, type Services } from '../../api/clients';
import { userBody, type AuthSchemas } from '../../api/types';
import { CliError } from '../../errors';
import type { ResourceApi } from '../shared/resource';

export type Member = AuthSchemas['Member'];

const list = async (s: Services): Promise<Member[]> => (await call('auth', s.auth.GET('/v1/members', {}))).members;
const path = (userId: string) => ({ params: { path: { userId } } });

export const membersApi: ResourceApi<Member> = {
  list,
  get: async (s, id) => {
    const member = (await list(s)).find((m) => m.userId === id || m.email === id.toLowerCase());
    if (!member) throw new CliError(`no member ${id} in this organisation`);
    return member;
  },
  create: (s, body) => call('auth', s.auth.POST('/v1/members', { body: userBody(body) })),
  update: (s, id, body) => call('auth', s.auth.PATCH('/v1/members/{userId}', { ...path(id), body: userBody(body) })),
  remove: (s, id) => call('auth', s.auth.DELETE('/v1/members/{userId}', path(id))).then(() => undefined),
};
