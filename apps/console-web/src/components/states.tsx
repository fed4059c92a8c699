import { ApiError } from '../api/http';

/** What went wrong, in words, and a way to try again: never a blank page. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const e = error instanceof ApiError ? error : undefined;
  const heading = title ?? (e?.unavailable ? 'Service unavailable' : e?.status === 403 ? 'Not allowed' : 'Something went wrong');
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <strong>{heading}</strong>
      <p>{message}</p>
      {e?.retryAfterSeconds ? <p className="muted">The server suggests retrying in {e.retryAfterSeconds} s.</p> : null}
      {e?.requestId ? <p className="muted small">Request id {e.requestId}</p> : null}
      {onRetry ? <button type="button" onClick={onRetry}>Retry</button> : null}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="state state-empty" role="status">{children}</div>;
}

/** Loading, error (with Retry) or empty for a list query; nothing once there are rows to show. */
export function ListStatus({ query, empty }: { query: { isPending: boolean; error: unknown; data?: unknown[] | null; refetch: () => unknown }; empty: React.ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data && query.data.length === 0) return <Empty>{empty}</Empty>;
  return null;
}
