import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { navigate, useLocation } from '../../router';
import { formatCount } from '../../utils/time';
import { LogLine } from '../search/LogLine';
import { QueryBox } from '../search/QueryBox';
import { useFields } from '../search/hooks/useFields';
import { TAIL_LIMIT, useTail, type TailStatus } from './hooks/useTail';

const STATUS: Record<TailStatus, { label: string; tone: string }> = {
  stopped: { label: 'Stopped', tone: '' },
  connecting: { label: 'Connecting…', tone: 'paused' },
  live: { label: 'Live', tone: 'live' },
  paused: { label: 'Paused', tone: 'paused' },
  reconnecting: { label: 'Reconnecting…', tone: 'down' },
};

/** Live tail of a query: start, pause, resume, stop; a bounded number of lines on screen. */
export function TailPage() {
  const { params } = useLocation();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const tail = useTail(q);
  const fields = useFields('', '-1h', 'now');
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const virtual = useVirtualizer({ count: tail.items.length, getScrollElement: () => scroller.current, estimateSize: () => 26, overscan: 10, getItemKey: (i) => tail.items[i].key });

  useEffect(() => {
    if (follow && tail.items.length > 0) virtual.scrollToIndex(tail.items.length - 1, { align: 'end' });
  }, [tail.items, follow, virtual]);

  const running = tail.status === 'live' || tail.status === 'connecting' || tail.status === 'reconnecting';
  const status = STATUS[tail.status];
  return (
    <div className="tail-page">
      <h1 className="sr-only">Live tail</h1>
      <form
        className="search-bar"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/tail${draft ? `?q=${encodeURIComponent(draft)}` : ''}`, { replace: true });
        }}
      >
        <QueryBox value={draft} onChange={setDraft} onSubmit={(v) => navigate(`/tail${v ? `?q=${encodeURIComponent(v)}` : ''}`, { replace: true })} fields={fields.data?.fields ?? []} range={{ from: '-1h', to: 'now' }} />
        {tail.status === 'stopped' ? <button type="button" className="primary" onClick={() => { if (draft !== q) navigate(`/tail${draft ? `?q=${encodeURIComponent(draft)}` : ''}`, { replace: true }); tail.start(draft); }}>Start</button> : null}
        {running ? <button type="button" onClick={tail.pause}>Pause</button> : null}
        {tail.status === 'paused' ? <button type="button" className="primary" onClick={tail.resume}>Resume</button> : null}
        {tail.status !== 'stopped' ? <button type="button" onClick={tail.stop}>Stop</button> : null}
      </form>
      <div className="status-bar" role="status" aria-live="polite">
        <span className={`badge ${status.tone}`} data-testid="tail-status">{status.label}</span>
        <span>{formatCount(tail.received)} lines received</span>
        {tail.scrolledOut > 0 ? <span className="muted">{formatCount(tail.scrolledOut)} earlier lines scrolled out (the last {formatCount(TAIL_LIMIT)} are kept)</span> : null}
        {tail.dropped > 0 ? <span className="warn">{formatCount(tail.dropped)} dropped by the server</span> : null}
        {tail.error ? <span className="error">{tail.error}</span> : null}
        {tail.status === 'paused' ? <span className="muted">Resume continues right after the last line shown.</span> : null}
        <label className="small"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow new lines</label>
      </div>
      <div ref={scroller} className="results" onWheel={(e) => { if (e.deltaY < 0) setFollow(false); }}>
        {tail.items.length === 0 ? <p className="muted state">{tail.status === 'stopped' ? 'Press Start to follow matching lines as they arrive.' : 'Waiting for matching lines…'}</p> : null}
        <div role="log" aria-label="Tail" aria-live="off" className="results-inner" style={{ height: virtual.getTotalSize() }}>
          {virtual.getVirtualItems().map((v) => {
            const item = tail.items[v.index];
            return (
              <div key={item.key} ref={virtual.measureElement} data-index={v.index} className="row" style={{ transform: `translateY(${v.start}px)` }}>
                {item.kind === 'line' ? <LogLine event={item.event} expanded={false} /> : <div className="notice" role="note">⚠ {item.text}</div>}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
