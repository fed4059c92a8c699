import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogEvent } from '../../api/types';
import { LineDetails, LogLine, type FilterAction } from './LogLine';

interface Props {
  events: LogEvent[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  selected?: string;
  onSelect: (id: string | undefined) => void;
  onFilter: FilterAction;
  onContext: (id: string) => void;
  label?: string;
}

const ROW_HEIGHT = 26;

/**
 * The results as a virtualized feed: only the rows in view are in the page, so 100,000 loaded
 * lines scroll like 100. The next page is fetched (with the cursor) before the end is reached.
 * Arrow keys move between lines, Enter opens one, Home/End jump.
 */
export function ResultsList({ events, hasMore, loadingMore, onLoadMore, selected, onSelect, onFilter, onContext, label = 'Results' }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const count = events.length + (hasMore ? 1 : 0);
  const virtual = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
    getItemKey: useCallback((i: number) => events[i]?.id ?? 'more', [events]),
  });
  const items = virtual.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (last && hasMore && !loadingMore && last.index >= events.length - 100) onLoadMore();
  }, [last?.index, hasMore, loadingMore, events.length, onLoadMore]);

  useEffect(() => {
    if (active >= events.length && events.length > 0) setActive(events.length - 1);
  }, [events.length, active]);

  const focusRow = useCallback((index: number) => {
    const i = Math.max(0, Math.min(events.length - 1, index));
    setActive(i);
    virtual.scrollToIndex(i, { align: 'auto' });
    requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById(`row-${events[i]?.id}`)?.focus({ preventScroll: true })));
  }, [events, virtual]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('.line-details')) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: events.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const id = events[active]?.id;
      if (id) onSelect(selected === id ? undefined : id);
    }
  };

  return (
    <div ref={scroller} className="results" onKeyDown={onKeyDown}>
      <div role="feed" aria-label={label} aria-busy={loadingMore} className="results-inner" style={{ height: virtual.getTotalSize() }}>
        {items.map((item) => {
          const event = events[item.index];
          const top = { transform: `translateY(${item.start}px)` };
          if (!event) {
            return (
              <div key="more" ref={virtual.measureElement} data-index={item.index} className="row more" style={top} role="status">
                {loadingMore ? 'Loading more lines…' : 'Scroll for more'}
              </div>
            );
          }
          const expanded = selected === event.id;
          return (
            <article
              key={event.id}
              id={`row-${event.id}`}
              ref={virtual.measureElement}
              data-index={item.index}
              className={`row${expanded ? ' expanded' : ''}${item.index === active ? ' active' : ''}`}
              style={top}
              tabIndex={item.index === active ? 0 : -1}
              aria-posinset={item.index + 1}
              aria-setsize={hasMore ? -1 : events.length}
              aria-label={`${new Date(event.ts).toLocaleString()} ${event.level ?? ''} ${event.app}: ${event.message.slice(0, 200)}`}
              onFocus={() => setActive(item.index)}
              onClick={() => { setActive(item.index); onSelect(expanded ? undefined : event.id); }}
            >
              <LogLine event={event} expanded={expanded} />
              {expanded ? <LineDetails event={event} onFilter={onFilter} onContext={() => onContext(event.id)} /> : null}
            </article>
          );
        })}
      </div>
    </div>
  );
}
