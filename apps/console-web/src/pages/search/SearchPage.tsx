import { useCallback, useEffect, useState } from 'react';
import { search } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSession } from '../../session';
import { can } from '../../utils/permissions';
import { formatCount } from '../../utils/time';
import { ContextPanel } from './ContextPanel';
import { FieldsSidebar } from './FieldsSidebar';
import { Histogram } from './Histogram';
import { useFields } from './hooks/useFields';
import { useHistogram } from './hooks/useHistogram';
import { useResults } from './hooks/useResults';
import { useSearchState } from './hooks/useSearchState';
import { QueryBox } from './QueryBox';
import { syntaxProblemOf, type SyntaxProblem } from './utils/syntaxProblem';
import { ResultsList } from './ResultsList';
import { SaveView } from './SaveView';
import { TimeRangePicker } from './TimeRangePicker';
import { addFilter } from './utils/queryEdit';
import { zoomOut, zoomTo } from './utils/timeRange';

const SPLITS = [
  { value: '', label: 'nothing' }, { value: 'level', label: 'level' }, { value: 'app', label: 'app' }, { value: 'host', label: 'host' },
];

/** A query's syntax error as the query-api reports it (400 with the position), else undefined. */
export function syntaxProblem(error: unknown): SyntaxProblem | undefined {
  return error instanceof ApiError ? syntaxProblemOf(error.status, error.message, error.details) : undefined;
}

export function SearchPage() {
  const session = useSession();
  const [state, update] = useSearchState();
  const [draft, setDraft] = useState(state.q);
  useEffect(() => setDraft(state.q), [state.q]);

  const results = useResults(state.q, state.from, state.to, state.order);
  const histogram = useHistogram(state.q, state.from, state.to, state.split);
  const fields = useFields(state.q, state.from, state.to);
  // Completion offers every field of the range, whatever the current (perhaps broken) query.
  const allFields = useFields('', state.from, state.to);
  const problem = syntaxProblem(results.error) ?? syntaxProblem(histogram.error);

  const onFilter = useCallback((field: string, value: string, options: { negate: boolean; parsed: boolean }) => {
    update({ q: addFilter(state.q, field, value, options), line: undefined });
  }, [state.q, update]);
  const loadMore = useCallback(() => void results.fetchNextPage(), [results.fetchNextPage]);
  const customSplit = state.split && !SPLITS.some((s) => s.value === state.split);

  return (
    <div className={`search-page${state.ctx ? ' with-context' : ''}`}>
      <h1 className="sr-only">Search</h1>
      <form className="search-bar" role="search" onSubmit={(e) => { e.preventDefault(); update({ q: draft, line: undefined }); }}>
        <QueryBox value={draft} onChange={setDraft} onSubmit={(q) => update({ q, line: undefined })} fields={allFields.data?.fields ?? []} range={state} problem={problem} />
        <TimeRangePicker from={state.from} to={state.to} onChange={(from, to) => update({ from, to })} />
        <button type="submit" className="primary">Search</button>
      </form>

      <section className="hist-section" aria-label="Lines over time">
        <div className="hist-tools">
          <label htmlFor="split">Split by</label>
          <select id="split" value={state.split} onChange={(e) => update({ split: e.target.value }, { replace: true })}>
            {SPLITS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
            {customSplit ? <option value={state.split}>{state.split}</option> : null}
            {(fields.data?.fields ?? []).filter((f) => f.types.includes('string') && f.name !== state.split).slice(0, 30).map((f) => <option key={f.name} value={f.name}>{f.name}</option>)}
          </select>
          <button type="button" onClick={() => update(zoomOut(state.from, state.to))}>Zoom out</button>
        </div>
        {histogram.isPending ? <Loading label="Counting lines…" /> : null}
        {histogram.error && !problem ? <ErrorState error={histogram.error} onRetry={() => void histogram.refetch()} /> : null}
        {histogram.data ? <Histogram data={histogram.data} onZoom={(a, b) => update({ ...zoomTo(a, b), line: undefined })} /> : null}
      </section>

      <div className="search-body">
        <FieldsSidebar
          fields={fields.data?.fields ?? []} loading={fields.isPending} error={fields.error && !problem ? fields.error : undefined}
          retry={() => void fields.refetch()} q={state.q} from={state.from} to={state.to} onFilter={onFilter}
        />
        <section className="results-section" aria-label="Results">
          <div className="results-tools">
            <span role="status" aria-live="polite" className="muted">
              {results.data ? `${formatCount(results.events.length)}${results.hasNextPage ? '+' : ''} lines loaded` : ''}
            </span>
            <label htmlFor="order">Order</label>
            <select id="order" value={state.order} onChange={(e) => update({ order: e.target.value as 'asc' | 'desc', line: undefined })}>
              <option value="desc">Newest first</option>
              <option value="asc">Oldest first</option>
            </select>
            <span className="export" role="group" aria-label="Export">
              <span className="muted small">Export</span>
              <a className="button" href={search.exportUrl({ q: state.q, from: state.from, to: state.to, format: 'ndjson', order: state.order })} download="millrace-export.ndjson">NDJSON</a>
              <a className="button" href={search.exportUrl({ q: state.q, from: state.from, to: state.to, format: 'csv', order: state.order })} download="millrace-export.csv">CSV</a>
            </span>
            <SaveView q={state.q} from={state.from} to={state.to} disabled={!can(session.role, 'config:manage')} />
          </div>
          {results.isPending ? <Loading label="Searching…" /> : null}
          {results.error && !problem ? <ErrorState error={results.error} onRetry={() => void results.refetch()} /> : null}
          {problem ? <p className="muted">Fix the query above to see results.</p> : null}
          {results.data && results.events.length === 0 ? (
            <Empty>No lines match {state.q ? <code>{state.q}</code> : 'anything'} in this range. Widen the range or change the query.</Empty>
          ) : null}
          {results.data && results.events.length > 0 ? (
            <ResultsList
              events={results.events}
              hasMore={Boolean(results.hasNextPage)}
              loadingMore={results.isFetchingNextPage}
              onLoadMore={loadMore}
              selected={state.line}
              onSelect={(line) => update({ line }, { replace: true })}
              onFilter={onFilter}
              onContext={(ctx) => update({ ctx })}
            />
          ) : null}
          {results.error && results.data ? <ErrorState error={results.error} onRetry={() => void results.fetchNextPage()} title="More lines could not be loaded" /> : null}
        </section>
        {state.ctx ? <ContextPanel id={state.ctx} onClose={() => update({ ctx: undefined })} /> : null}
      </div>
    </div>
  );
}
