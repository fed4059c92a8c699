import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { members } from '../../../api/endpoints';
import type { Role } from '../../../api/types';
import { ListStatus } from '../../../components/states';
import { Time } from '../../../components/Time';
import { useSession } from '../../../session';
import { assignableRoles, can } from '../../../utils/permissions';

/** Members and their roles; owners and admins add, change and remove them. */
export function MembersSection() {
  const id = useId();
  const session = useSession();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['members'], queryFn: members.list });
  const manage = can(session.role, 'members:manage');
  const roles = assignableRoles(session.role);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [password, setPassword] = useState('');
  const refresh = () => void client.invalidateQueries({ queryKey: ['members'] });
  const add = useMutation({
    mutationFn: () => members.add({ email: email.trim(), role, ...(password ? { password } : {}) }),
    onSuccess: () => { setEmail(''); setPassword(''); refresh(); },
  });
  const setRoleOf = useMutation({ mutationFn: (v: { userId: string; role: Role }) => members.setRole(v.userId, v.role), onSuccess: refresh });
  const remove = useMutation({ mutationFn: (userId: string) => members.remove(userId), onSuccess: refresh });
  const error = add.error ?? setRoleOf.error ?? remove.error;
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Members</h2>
      <p className="muted">Owners and admins manage members; only owners grant or take away the owner role. An organisation always keeps one owner.</p>
      {manage ? (
        <form className="form-grid card" aria-label="Add a member" onSubmit={(e) => { e.preventDefault(); add.mutate(); }}>
          <label htmlFor={`${id}-email`}>E-mail</label>
          <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>{roles.map((r) => <option key={r} value={r}>{r}</option>)}</select>
          <label htmlFor={`${id}-password`}>Initial password</label>
          <input id={`${id}-password`} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder="for a new user: at least 12 characters" />
          <span />
          <div><button type="submit" className="primary" disabled={add.isPending}>Add member</button></div>
        </form>
      ) : <p className="muted small" role="note">Your role can see the members but not change them.</p>}
      {error ? <p role="alert" className="error">{error.message}</p> : null}
      <ListStatus query={list} empty="No members." />
      {list.data && list.data.length > 0 ? (
        <table className="data">
          <caption className="sr-only">Members</caption>
          <thead><tr><th scope="col">E-mail</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {list.data.map((m) => (
              <tr key={m.userId}>
                <td>{m.email}{m.userId === session.user.id ? <span className="muted small"> (you)</span> : null}</td>
                <td>{m.name ?? ''}</td>
                <td>
                  {manage && (session.role === 'owner' || m.role !== 'owner') ? (
                    <>
                      <label htmlFor={`${id}-role-${m.userId}`} className="sr-only">Role of {m.email}</label>
                      <select id={`${id}-role-${m.userId}`} value={m.role} onChange={(e) => setRoleOf.mutate({ userId: m.userId, role: e.target.value as Role })}>
                        {[...new Set([m.role, ...roles])].map((r) => <option key={r} value={r}>{r}</option>)}
                      </select>
                    </>
                  ) : m.role}
                </td>
                <td><Time ms={Date.parse(m.joinedAt)} /></td>
                <td>
                  {manage && (session.role === 'owner' || m.role !== 'owner') ? (
                    <button type="button" className="danger" aria-label={`Remove ${m.email}`} onClick={() => { if (window.confirm(`Remove ${m.email} from the organisation?`)) remove.mutate(m.userId); }}>Remove</button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
