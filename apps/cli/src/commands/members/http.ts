import { call, type Services } from '../../api/clients';
import { CliError } from '../../errors';
import type { ResourceApi } from '../shared/resource';

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: string;
  joinedAt: string;
}

const list = async (s: Services) => (await call<{ members: Member[] }>('auth', s.auth.GET('/v1/members', {}))).members;

export const membersApi: ResourceApi<Member> = {
  list,
  get: async (s, id) => {
    const member = (await list(s)).find((m) => m.userId === id || m.email === id.toLowerCase());
    if (!member) throw new CliError(`no member ${id} in this organisation`);
    return member;
  },
  create: (s, body) => call<Member>('auth', s.auth.POST('/v1/members', { body })),
  update: (s, id, body) => call<Member>('auth', s.auth.PATCH('/v1/members/{userId}', { params: { path: { userId: id } }, body })),
  remove: (s, id) => call<void>('auth', s.auth.DELETE('/v1/members/{userId}', { params: { path: { userId: id } } })),
};
