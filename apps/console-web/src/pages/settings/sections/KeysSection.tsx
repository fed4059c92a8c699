import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { keys } from '../../../api/endpoints';
import type { CreatedKey } from '../../../api/types';
import { CopyButton } from '../../../components/CopyButton';
import { ListStatus } from '../../../components/states';
import { Time } from '../../../components/Time';

const SERVICE_SCOPES = ['logs:read', 'config:manage', 'keys:manage'];

/** A new or rotated key's secret: shown here once, never again. */
export function SecretOnce({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  return (
    <div className="card" role="region" aria-label="New key secret">
      <p><strong>{created.name}</strong>: copy the secret now. It is shown only this once; Millrace keeps only its hash.</p>
      <p className="secret" data-testid="key-secret">{created.secret}</p>
      <div className="toolbar">
        <CopyButton text={created.secret} label="Copy secret" />
        {created.previousSecretValidUntil ? <span className="muted small">The previous secret works until <Time ms={Date.parse(created.previousSecretValidUntil)} />.</span> : null}
        <button type="button" onClick={onDone}>I have stored it</button>
      </div>
    </div>
  );
}

/** Ingestion and service keys: create (secret shown once), rotate with a grace period, revoke. */
export function KeysSection({ onCreated }: { onCreated?: (key: CreatedKey) => void }) {
  const id = useId();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['keys'], queryFn: keys.list });
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'ingest' | 'service'>('ingest');
  const [scopes, setScopes] = useState<string[]>(['logs:read']);
  const [grace, setGrace] = useState(86400);
  const [secret, setSecret] = useState<CreatedKey | undefined>();
  const refresh = () => void client.invalidateQueries({ queryKey: ['keys'] });
  const create = useMutation({
    mutationFn: () => keys.create({ name: name.trim(), kind, ...(kind === 'service' ? { scopes } : {}) }),
    onSuccess: (k) => { setSecret(k); setName(''); refresh(); onCreated?.(k); },
  });
  const rotate = useMutation({ mutationFn: (keyId: string) => keys.rotate(keyId, grace), onSuccess: (k) => { setSecret(k); refresh(); } });
  const revoke = useMutation({ mutationFn: (keyId: string) => keys.revoke(keyId), onSuccess: refresh });
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Keys</h2>
      <p className="muted">Ingestion keys (<code>mlr_ik_…</code>) only send logs; service keys (<code>mlr_sk_…</code>) carry the scopes you give them.</p>
      {secret ? <SecretOnce created={secret} onDone={() => setSecret(undefined)} /> : null}
      <form className="form-grid card" aria-label="Create a key" onSubmit={(e) => { e.preventDefault(); if (name.trim()) create.mutate(); }}>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="e.g. web servers" />
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as 'ingest' | 'service')}>
          <option value="ingest">Ingestion key (send logs)</option>
          <option value="service">Service key (API)</option>
        </select>
        {kind === 'service' ? (
          <>
            <span>Scopes</span>
            <fieldset className="toolbar">
              <legend className="sr-only">Scopes</legend>
              {SERVICE_SCOPES.map((s) => (
                <label key={s}><input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {s}</label>
              ))}
            </fieldset>
          </>
        ) : null}
        <span />
        <div><button type="submit" className="primary" disabled={create.isPending}>Create key</button></div>
        {create.error ? <p role="alert" className="error">{create.error.message}</p> : null}
      </form>
      <div className="toolbar">
        <label htmlFor={`${id}-grace`}>When rotating, the old secret keeps working for</label>
        <select id={`${id}-grace`} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
          <option value={0}>no time (stops at once)</option>
          <option value={3600}>1 hour</option>
          <option value={86400}>24 hours</option>
          <option value={604800}>7 days</option>
        </select>
      </div>
      <ListStatus query={list} empty="No keys yet." />
      {list.data && list.data.length > 0 ? (
        <table className="data">
          <caption className="sr-only">Keys</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {list.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>{k.kind}</td>
                <td><code>{k.prefix}…</code>{k.previousSecretValidUntil ? <div className="muted small">old secret until <Time ms={Date.parse(k.previousSecretValidUntil)} /></div> : null}</td>
                <td>{k.scopes.join(', ')}</td>
                <td><Time ms={Date.parse(k.createdAt)} /></td>
                <td>{k.lastUsedAt ? <Time ms={Date.parse(k.lastUsedAt)} /> : <span className="muted">never</span>}</td>
                <td>
                  <span className="toolbar">
                    <button type="button" aria-label={`Rotate key ${k.name}`} onClick={() => rotate.mutate(k.id)}>Rotate</button>
                    <button type="button" className="danger" aria-label={`Revoke key ${k.name}`} onClick={() => { if (window.confirm(`Revoke the key "${k.name}"? Everything using it stops at once.`)) revoke.mutate(k.id); }}>Revoke</button>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {rotate.error || revoke.error ? <p role="alert" className="error">{(rotate.error ?? revoke.error)!.message}</p> : null}
    </section>
  );
}
