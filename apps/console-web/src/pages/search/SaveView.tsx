import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { views } from '../../api/endpoints';

/** Save the current search (query and range) as a view of the organisation. */
export function SaveView({ q, from, to, disabled }: { q: string; from: string; to: string; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const id = useId();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () => views.create({ name: name.trim(), query: q, from, to }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['views'] });
      setOpen(false);
      setName('');
    },
  });
  return (
    <div className="save-view">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} disabled={disabled} title={disabled ? 'Your role cannot save views' : undefined}>Save view</button>
      {save.isSuccess && !open ? <span role="status" className="muted small">Saved.</span> : null}
      {open ? (
        <form
          className="popover"
          aria-label="Save view"
          onSubmit={(e) => { e.preventDefault(); if (name.trim()) save.mutate(); }}
          onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}
        >
          <label htmlFor={`${id}-name`}>View name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} autoFocus required maxLength={200} />
          {save.error ? <p role="alert" className="error small">{save.error.message}</p> : null}
          <button type="submit" className="primary" disabled={save.isPending}>Save</button>
          <button type="button" onClick={() => setOpen(false)}>Cancel</button>
        </form>
      ) : null}
    </div>
  );
}
