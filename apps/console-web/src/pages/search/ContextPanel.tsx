import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { search } from '../../api/endpoints';
import type { LogEvent } from '../../api/types';
import { ErrorState, Loading } from '../../components/states';
import { LogLine } from './LogLine';

function Lines({ events, label }: { events: LogEvent[]; label: string }) {
  if (events.length === 0) return <p className="muted small">No {label} from the same app and host.</p>;
  return (
    <ol className="context-lines" aria-label={label}>
      {events.map((e) => <li key={e.id}><LogLine event={e} expanded={false} /></li>)}
    </ol>
  );
}

/** The lines before and after one line, from the same app and host ("show in context"). */
export function ContextPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const context = useQuery({ queryKey: ['context', id], queryFn: () => search.context(id, 25, 25) });
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    panel.current?.focus();
  }, [id]);
  return (
    <aside
      ref={panel}
      className="context-panel"
      role="dialog"
      aria-modal="false"
      aria-label="Lines in context"
      tabIndex={-1}
      onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}
    >
      <header>
        <h2>In context</h2>
        <button type="button" onClick={onClose}>Close</button>
      </header>
      {context.isPending ? <Loading label="Loading the lines around it…" /> : null}
      {context.error ? <ErrorState error={context.error} onRetry={() => void context.refetch()} /> : null}
      {context.data && !context.data.event ? <p className="muted">That line is no longer there (its retention ended, or it was archived).</p> : null}
      {context.data?.event ? (
        <>
          <p className="muted small">Same app ({context.data.event.app || '(none)'}) and host ({context.data.event.host || '(none)'}), oldest first.</p>
          <Lines events={context.data.before} label="lines before" />
          <div className="context-event" aria-label="The line" aria-current="true"><LogLine event={context.data.event} expanded={false} /></div>
          <Lines events={context.data.after} label="lines after" />
        </>
      ) : null}
    </aside>
  );
}
