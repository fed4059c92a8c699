import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { ConfigObject } from '../../../api/types';
import { ListStatus } from '../../../components/states';
import { editable } from '../utils/jsonEditor';
import { JsonForm } from './JsonForm';

export interface CollectionApi {
  list: () => Promise<ConfigObject[]>;
  create: (body: unknown) => Promise<ConfigObject>;
  update: (id: string, body: unknown) => Promise<ConfigObject>;
  remove: (id: string) => Promise<void>;
}

export interface Column {
  label: string;
  render: (o: ConfigObject) => ReactNode;
}

/**
 * A configuration collection of the organisation (rules, drains, alerts): its list, and for
 * roles that may change it, create, edit and delete, each object as JSON with an example to
 * start from. What the server refuses is shown with its reason.
 */
export function ConfigCollection({ title, noun, description, api, queryKey, template, columns, canEdit, rowActions, details }: {
  title: string; noun: string; description: ReactNode; api: CollectionApi; queryKey: string; template: object; columns: Column[]; canEdit: boolean;
  rowActions?: (o: ConfigObject) => ReactNode; details?: (o: ConfigObject) => ReactNode;
}) {
  const client = useQueryClient();
  const list = useQuery({ queryKey: [queryKey], queryFn: api.list });
  const [editing, setEditing] = useState<ConfigObject | 'new' | undefined>();
  const [open, setOpen] = useState<string | undefined>();
  const refresh = () => void client.invalidateQueries({ queryKey: [queryKey] });
  const save = useMutation({
    mutationFn: (value: unknown) => (editing === 'new' || !editing ? api.create(value) : api.update(editing.id, value)),
    onSuccess: () => { setEditing(undefined); refresh(); },
  });
  const remove = useMutation({ mutationFn: (id: string) => api.remove(id), onSuccess: refresh });
  const name = (o: ConfigObject) => String(o.name ?? o.id);
  return (
    <section className="settings-section" aria-labelledby={`${queryKey}-title`}>
      <h2 id={`${queryKey}-title`}>{title}</h2>
      <p className="muted">{description}</p>
      {canEdit && !editing ? <div><button type="button" className="primary" onClick={() => { save.reset(); setEditing('new'); }}>New {noun}</button></div> : null}
      {!canEdit ? <p className="muted small" role="note">Your role can see these but not change them.</p> : null}
      {editing ? (
        <JsonForm
          key={editing === 'new' ? 'new' : editing.id}
          label={editing === 'new' ? `New ${noun}` : `Edit ${noun} ${name(editing)}`}
          initial={editing === 'new' ? JSON.stringify(template, null, 2) : editable(editing)}
          onSave={(v) => save.mutate(v)}
          onCancel={() => setEditing(undefined)}
          saving={save.isPending}
          error={save.error}
        />
      ) : null}
      <ListStatus query={list} empty={`No ${noun}s yet.`} />
      {list.data && list.data.length > 0 ? (
        <table className="data">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              {columns.map((c) => <th key={c.label} scope="col">{c.label}</th>)}
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((o) => (
              <tr key={o.id}>
                <td>
                  {details ? <button type="button" className="link" aria-expanded={open === o.id} onClick={() => setOpen(open === o.id ? undefined : o.id)}>{name(o)}</button> : name(o)}
                  {open === o.id && details ? <div className="card">{details(o)}</div> : null}
                </td>
                {columns.map((c) => <td key={c.label}>{c.render(o)}</td>)}
                <td>
                  <span className="toolbar">
                    {rowActions?.(o)}
                    {canEdit ? <button type="button" onClick={() => { save.reset(); setEditing(o); }} aria-label={`Edit ${noun} ${name(o)}`}>Edit</button> : null}
                    {canEdit ? (
                      <button type="button" className="danger" aria-label={`Delete ${noun} ${name(o)}`} onClick={() => { if (window.confirm(`Delete the ${noun} "${name(o)}"?`)) remove.mutate(o.id); }}>Delete</button>
                    ) : null}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {remove.error ? <p role="alert" className="error">{remove.error.message}</p> : null}
    </section>
  );
}
