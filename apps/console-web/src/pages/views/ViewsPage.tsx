import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { views } from '../../api/endpoints';
import type { SavedView } from '../../api/types';
import { Link } from '../../components/Shell';
import { ListStatus } from '../../components/states';
import { useSession } from '../../session';
import { can } from '../../utils/permissions';
import { searchHref } from '../search/utils/searchState';
import { describeRange } from '../search/utils/timeRange';

function ViewRow({ view, editable }: { view: SavedView; editable: boolean }) {
  const client = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(view.name);
  const done = () => void client.invalidateQueries({ queryKey: ['views'] });
  const rename = useMutation({ mutationFn: () => views.update(view.id, { name: name.trim() }), onSuccess: () => { setRenaming(false); done(); } });
  const remove = useMutation({ mutationFn: () => views.remove(view.id), onSuccess: done });
  const href = searchHref({ q: view.query, from: view.from ?? undefined, to: view.to ?? undefined });
  return (
    <tr>
      <td>
        {renaming ? (
          <form onSubmit={(e) => { e.preventDefault(); if (name.trim()) rename.mutate(); }} className="toolbar">
            <label htmlFor={`rename-${view.id}`} className="sr-only">New name of {view.name}</label>
            <input id={`rename-${view.id}`} value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={200} onKeyDown={(e) => { if (e.key === 'Escape') setRenaming(false); }} />
            <button type="submit" className="primary">Save name</button>
            <button type="button" onClick={() => { setRenaming(false); setName(view.name); }}>Cancel</button>
          </form>
        ) : (
          <Link to={href} aria-label={`Open view ${view.name}`}>{view.name}</Link>
        )}
        {rename.error ? <p role="alert" className="error small">{rename.error.message}</p> : null}
      </td>
      <td><code>{view.query || '(everything)'}</code></td>
      <td>{describeRange(view.from ?? '-1h', view.to ?? 'now')}</td>
      <td>
        {editable ? (
          <span className="toolbar">
            <button type="button" onClick={() => setRenaming(true)} aria-label={`Rename view ${view.name}`}>Rename</button>
            <button
              type="button"
              className="danger"
              aria-label={`Delete view ${view.name}`}
              onClick={() => { if (window.confirm(`Delete the view "${view.name}"?`)) remove.mutate(); }}
            >
              Delete
            </button>
          </span>
        ) : null}
        {remove.error ? <p role="alert" className="error small">{remove.error.message}</p> : null}
      </td>
    </tr>
  );
}

/** The organisation's saved searches: open, rename, delete. Saving is on the search page. */
export function ViewsPage() {
  const session = useSession();
  const list = useQuery({ queryKey: ['views'], queryFn: views.list });
  const editable = can(session.role, 'config:manage');
  return (
    <div className="page">
      <h1>Saved views</h1>
      <p className="muted">Searches saved by your organisation. Save the current search with <strong>Save view</strong> on the search page.</p>
      <ListStatus query={list} empty="No saved views yet." />
      {list.data && list.data.length > 0 ? (
        <table className="data">
          <caption className="sr-only">Saved views</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Query</th><th scope="col">Range</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{list.data.map((v) => <ViewRow key={v.id} view={v} editable={editable} />)}</tbody>
        </table>
      ) : null}
    </div>
  );
}
