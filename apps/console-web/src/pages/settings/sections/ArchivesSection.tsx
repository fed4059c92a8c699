import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { archives } from '../../../api/endpoints';
import { ApiError } from '../../../api/http';
import { Empty, ErrorState, ListStatus, Loading } from '../../../components/states';
import { Time } from '../../../components/Time';
import { formatBytes, formatCount } from '../../../utils/time';
import { editable } from '../utils/jsonEditor';
import { JsonForm } from './JsonForm';

const TEMPLATE = { enabled: true, destination: { type: 's3', endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1', bucket: 'my-log-archive', prefix: 'millrace', accessKeyId: 'AKIA…', secretAccessKey: '…' } };

/** The archive destination, its health, and rehydrations of archived ranges back into search. */
export function ArchivesSection({ canEdit }: { canEdit: boolean }) {
  const id = useId();
  const client = useQueryClient();
  const destination = useQuery({ queryKey: ['archive'], queryFn: async () => {
    try {
      return await archives.get();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  } });
  const status = useQuery({ queryKey: ['archive-status'], queryFn: archives.status, enabled: Boolean(destination.data), retry: false });
  const jobs = useQuery({ queryKey: ['rehydrations'], queryFn: archives.rehydrations, refetchInterval: 5000 });
  const [editing, setEditing] = useState(false);
  const [from, setFrom] = useState('-24h');
  const [to, setTo] = useState('now');
  const [query, setQuery] = useState('');
  const refresh = () => void client.invalidateQueries({ queryKey: ['archive'] });
  const save = useMutation({ mutationFn: (v: unknown) => (destination.data ? archives.replace(v) : archives.create(v)), onSuccess: () => { setEditing(false); refresh(); } });
  const remove = useMutation({ mutationFn: archives.remove, onSuccess: refresh });
  const rehydrate = useMutation({ mutationFn: () => archives.rehydrate({ from, to, ...(query ? { query } : {}) }), onSuccess: () => void client.invalidateQueries({ queryKey: ['rehydrations'] }) });
  const drop = useMutation({ mutationFn: archives.dropRehydration, onSuccess: () => void client.invalidateQueries({ queryKey: ['rehydrations'] }) });
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Archives</h2>
      <p className="muted">A durable copy of every line in your object storage (gzip NDJSON per hour), and any range of it brought back into search.</p>
      {destination.isPending ? <Loading /> : null}
      {destination.error ? <ErrorState error={destination.error} onRetry={() => void destination.refetch()} /> : null}
      {destination.data === null && !editing ? <Empty>No archive destination yet.</Empty> : null}
      {destination.data && !editing ? <pre className="snippet" aria-label="Archive destination">{editable(destination.data)}</pre> : null}
      {status.data ? (
        <p role="status">Last upload: {status.data.lastUploadAt ? <Time ms={Date.parse(String(status.data.lastUploadAt))} /> : 'none yet'}{status.data.lastError ? <span className="error"> · last error: {String(status.data.lastError)}</span> : null}</p>
      ) : null}
      {canEdit && !editing && destination.data !== undefined ? (
        <div className="toolbar">
          <button type="button" onClick={() => setEditing(true)}>{destination.data ? 'Change destination' : 'Set a destination'}</button>
          {destination.data ? <button type="button" className="danger" onClick={() => { if (window.confirm('Stop archiving? Archived objects stay where they are.')) remove.mutate(); }}>Remove destination</button> : null}
        </div>
      ) : null}
      {editing ? <JsonForm label="Archive destination" initial={destination.data ? editable(destination.data) : JSON.stringify(TEMPLATE, null, 2)} onSave={(v) => save.mutate(v)} onCancel={() => setEditing(false)} saving={save.isPending} error={save.error} /> : null}
      {remove.error ? <p role="alert" className="error">{remove.error.message}</p> : null}

      <h3>Rehydrations</h3>
      {canEdit ? (
        <form className="form-grid card" aria-label="Rehydrate a range" onSubmit={(e) => { e.preventDefault(); rehydrate.mutate(); }}>
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} value={from} onChange={(e) => setFrom(e.target.value)} placeholder="-7d, or 2026-11-30T00:00:00Z" />
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)} />
          <label htmlFor={`${id}-query`}>Only lines matching</label>
          <input id={`${id}-query`} value={query} onChange={(e) => setQuery(e.target.value)} placeholder="optional query" />
          <span />
          <div><button type="submit" className="primary" disabled={rehydrate.isPending}>Rehydrate</button></div>
          {rehydrate.error ? <p role="alert" className="error">{rehydrate.error.message}</p> : null}
        </form>
      ) : null}
      <ListStatus query={jobs} empty="No rehydrations." />
      {jobs.data && jobs.data.length > 0 ? (
        <table className="data">
          <caption className="sr-only">Rehydrations</caption>
          <thead><tr><th scope="col">Range</th><th scope="col">State</th><th scope="col">Lines</th><th scope="col">Read</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {jobs.data.map((j) => (
              <tr key={j.id}>
                <td>{String(j.from)} → {String(j.to)}{j.query ? <div><code>{String(j.query)}</code></div> : null}</td>
                <td>{String(j.state ?? '')}</td>
                <td className="num">{formatCount(Number((j.progress as Record<string, unknown> | undefined)?.linesIndexed ?? j.lines ?? 0))}</td>
                <td className="num">{formatBytes(Number((j.progress as Record<string, unknown> | undefined)?.bytesRead ?? j.bytes ?? 0))}</td>
                <td>
                  <span className="toolbar">
                    {canEdit ? <button type="button" className="danger" onClick={() => drop.mutate(j.id)}>Drop</button> : null}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
