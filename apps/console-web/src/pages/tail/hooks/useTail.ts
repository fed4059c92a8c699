import { useCallback, useEffect, useRef, useState } from 'react';
import { search } from '../../../api/endpoints';
import type { LogEvent } from '../../../api/types';
import { TailBuffer, type TailItem } from '../utils/tailBuffer';

export type TailStatus = 'stopped' | 'connecting' | 'live' | 'paused' | 'reconnecting';

/** Lines kept on screen; older ones are counted, not kept. */
export const TAIL_LIMIT = 2000;
const RETRY_MS = 2000;

export interface TailState {
  status: TailStatus;
  items: TailItem[];
  received: number;
  scrolledOut: number;
  dropped: number;
  error?: string;
}

/**
 * A live tail over Server-Sent Events through the console. Lines are gathered and rendered at
 * most once per animation frame, whatever the rate. Pause closes the stream and remembers the
 * last line; resume reopens it from there (`lastEventId`), so nothing in between is lost while
 * the stream still holds it. A broken connection is reopened the same way.
 */
export function useTail(query: string) {
  const buffer = useRef(new TailBuffer(TAIL_LIMIT));
  const source = useRef<EventSource | undefined>(undefined);
  const lastId = useRef<string | undefined>(undefined);
  const pending = useRef<LogEvent[]>([]);
  const frame = useRef<number | undefined>(undefined);
  const retry = useRef<number | undefined>(undefined);
  const wanted = useRef<'run' | 'pause' | 'stop'>('stop');
  const tailed = useRef(query);
  const [state, setState] = useState<TailState>({ status: 'stopped', items: [], received: 0, scrolledOut: 0, dropped: 0 });

  const publish = useCallback((status?: TailStatus, error?: string) => {
    const b = buffer.current;
    setState((s) => ({ status: status ?? s.status, items: b.snapshot(), received: b.received, scrolledOut: b.scrolledOut, dropped: b.dropped, error: status ? error : s.error }));
  }, []);

  const flush = useCallback(() => {
    frame.current = undefined;
    if (pending.current.length === 0) return;
    buffer.current.addLines(pending.current);
    pending.current = [];
    publish();
  }, [publish]);

  const close = useCallback(() => {
    source.current?.close();
    source.current = undefined;
    if (retry.current) clearTimeout(retry.current);
    retry.current = undefined;
  }, []);

  const open = useCallback((resume: boolean) => {
    close();
    const url = search.tailUrl(tailed.current, resume && lastId.current ? { lastEventId: lastId.current } : { backlog: 50 });
    const es = new EventSource(url, { withCredentials: true });
    source.current = es;
    publish(resume ? 'reconnecting' : 'connecting');
    es.onmessage = (e) => {
      if (e.lastEventId) lastId.current = e.lastEventId;
      try {
        pending.current.push(JSON.parse(e.data) as LogEvent);
      } catch {
        return;
      }
      frame.current ??= requestAnimationFrame(flush);
    };
    es.addEventListener('ready', () => publish('live'));
    es.addEventListener('dropped', (e) => {
      const count = Number((JSON.parse((e as MessageEvent).data) as { count?: number }).count ?? 0);
      flush();
      buffer.current.addDropped(count);
      publish();
    });
    es.addEventListener('gap', () => {
      flush();
      buffer.current.addNotice('The stream no longer holds the lines from while this tail was away: some are missing here.');
      publish();
    });
    es.onerror = (e) => {
      const data = (e as MessageEvent).data;
      if (typeof data === 'string' && data) {
        // The server's own `error` event: the tail could not start (bad query, too many tails).
        const message = (JSON.parse(data) as { message?: string }).message ?? 'the tail failed';
        close();
        wanted.current = 'stop';
        publish('stopped', message);
        return;
      }
      if (wanted.current !== 'run') return;
      if (es.readyState === EventSource.CLOSED) {
        // Refused outright (session, limits, server away): reopen from the last line after a pause.
        close();
        publish('reconnecting', 'The connection was lost; reconnecting…');
        retry.current = window.setTimeout(() => { if (wanted.current === 'run') open(true); }, RETRY_MS);
      } else {
        publish('reconnecting', 'The connection was lost; reconnecting…');
      }
    };
  }, [close, flush, publish]);

  /** Start tailing `q` (the page's query when not given), from the last lines before now. */
  const start = useCallback((q?: string) => {
    tailed.current = q ?? query;
    wanted.current = 'run';
    buffer.current.clear();
    lastId.current = undefined;
    open(false);
  }, [open, query]);
  const pause = useCallback(() => {
    wanted.current = 'pause';
    close();
    flush();
    publish('paused');
  }, [close, flush, publish]);
  const resume = useCallback(() => {
    wanted.current = 'run';
    open(true);
  }, [open]);
  const stop = useCallback(() => {
    wanted.current = 'stop';
    close();
    flush();
    publish('stopped');
  }, [close, flush, publish]);

  useEffect(() => () => {
    wanted.current = 'stop';
    close();
    if (frame.current) cancelAnimationFrame(frame.current);
  }, [close]);

  return { ...state, start, pause, resume, stop };
}
