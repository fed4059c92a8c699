import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { search } from '../../api/endpoints';
import { Empty, ErrorState, Loading } from '../../components/states';
import { navigate, useLocation } from '../../router';
import { formatCount, formatLocal } from '../../utils/time';
import { QueryBox } from '../search/QueryBox';
import { TimeRangePicker } from '../search/TimeRangePicker';
import { useFields } from '../search/hooks/useFields';
import { addFilter } from '../search/utils/queryEdit';
import { searchHref } from '../search/utils/searchState';
import { LineChart } from './LineChart';
import { graphHref, overall, readGraphState, STATS, statSeries, type GraphState } from './utils/statsSeries';

function TopGraph({ s }: { s: GraphState }) {
  const top = useQuery({ queryKey: ['top', s.field, s.q, s.from, s.to, 20], queryFn: ({ signal }) => search.top({ q: s.q, from: s.from, to: s.to, field: s.field, size: 20 }, signal) });
  if (top.isPending) return <Loading label="Counting values…" />;
  if (top.error) return <ErrorState error={top.error} onRetry={() => void top.refetch()} />;
  const max = Math.max(1, ...top.data.values.map((v) => v.count));
  if (top.data.values.length === 0) return <Empty>No value of <code>{s.field}</code> in this range.</Empty>;
  return (
    <figure className="graph-box" aria-label={`Top values of ${s.field}`}>
      <ol className="plain">
        {top.data.values.map((v) => (
          <li key={String(v.value)} className="hbar">
            <a href={searchHref({ q: addFilter(s.q, s.field, String(v.value), { parsed: !['app', 'host', 'level', 'tag', 'source'].includes(s.field) }), from: s.from, to: s.to })}>{String(v.value)}</a>
            <span className="bar" aria-hidden="true"><span ref={(e) => { if (e) e.style.width = `${(100 * v.count) / max}%`; }} /></span>
            <span className="num">{formatCount(v.count)}</span>
          </li>
        ))}
      </ol>
      {top.data.other > 0 ? <figcaption className="muted">Other values: {formatCount(top.data.other)} lines</figcaption> : null}
    </figure>
  );
}

function StatsGraph({ s }: { s: GraphState }) {
  const stats = useQuery({
    queryKey: ['stats', s.field, s.q, s.from, s.to],
    queryFn: ({ signal }) => search.stats({ q: s.q, from: s.from, to: s.to, field: s.field, percentiles: '50,95,99' }, signal),
  });
  const series = useMemo(() => (stats.data ? statSeries(stats.data, s.stat) : undefined), [stats.data, s.stat]);
  if (stats.isPending) return <Loading label="Computing…" />;
  if (stats.error) return <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />;
  if (!series || stats.data.overall.count === 0) return <Empty>No numeric value of <code>{s.field}</code> in this range.</Empty>;
  const o = stats.data.overall;
  return (
    <figure className="graph-box" aria-label={`${s.stat} of ${s.field} over time`}>
      <LineChart x={series.x} y={series.y} label={`${s.stat} ${s.field}`} />
      <figcaption>
        <table className="data">
          <caption className="sr-only">Overall figures</caption>
          <thead><tr><th scope="col">lines</th><th scope="col">min</th><th scope="col">avg</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th><th scope="col">max</th></tr></thead>
          <tbody>
            <tr>
              <td className="num">{formatCount(o.count)}</td><td className="num">{o.min ?? '—'}</td><td className="num">{o.avg?.toFixed(2) ?? '—'}</td>
              <td className="num">{overall(stats.data, 'p50') ?? '—'}</td><td className="num">{overall(stats.data, 'p95') ?? '—'}</td>
              <td className="num">{overall(stats.data, 'p99') ?? '—'}</td><td className="num">{o.max ?? '—'}</td>
            </tr>
          </tbody>
        </table>
        <p className="muted small">Buckets of {stats.data.interval}{series.x.length ? `, from ${formatLocal(series.x[0] * 1000)}` : ''}.</p>
      </figcaption>
    </figure>
  );
}

/** Top values of a field, and count / average / percentiles of a numeric field over time. */
export function GraphsPage() {
  const { params } = useLocation();
  const s = readGraphState(params);
  const [draft, setDraft] = useState(s.q);
  const [field, setField] = useState(s.field);
  useEffect(() => setDraft(s.q), [s.q]);
  useEffect(() => setField(s.field), [s.field]);
  const fields = useFields(s.q, s.from, s.to);
  const go = (changes: Partial<GraphState>) => navigate(graphHref({ ...s, ...changes }));
  const numeric = (fields.data?.fields ?? []).filter((f) => f.types.includes('number'));
  return (
    <div className="page">
      <h1>Graphs</h1>
      <form className="search-bar" onSubmit={(e) => { e.preventDefault(); go({ q: draft, field: field.trim() }); }}>
        <QueryBox value={draft} onChange={setDraft} onSubmit={(q) => go({ q, field: field.trim() })} fields={fields.data?.fields ?? []} range={s} />
        <TimeRangePicker from={s.from} to={s.to} onChange={(from, to) => go({ from, to })} />
      </form>
      <div className="toolbar">
        <label htmlFor="graph-kind">Graph</label>
        <select id="graph-kind" value={s.kind} onChange={(e) => go({ kind: e.target.value as GraphState['kind'] })}>
          <option value="top">Top values of a field</option>
          <option value="stats">A numeric field over time</option>
        </select>
        <label htmlFor="graph-field">Field</label>
        <input id="graph-field" list="graph-fields" value={field} onChange={(e) => setField(e.target.value)} onBlur={() => field.trim() !== s.field && go({ field: field.trim() })} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); go({ field: field.trim() }); } }} placeholder={s.kind === 'stats' ? 'e.g. latency_ms' : 'e.g. app, status'} />
        <datalist id="graph-fields">
          {(s.kind === 'stats' ? numeric : [{ name: 'app' }, { name: 'host' }, { name: 'level' }, ...(fields.data?.fields ?? [])]).map((f) => <option key={f.name} value={f.name} />)}
        </datalist>
        {s.kind === 'stats' ? (
          <>
            <label htmlFor="graph-stat">Statistic</label>
            <select id="graph-stat" value={s.stat} onChange={(e) => go({ stat: e.target.value as GraphState['stat'] })}>
              {STATS.map((st) => <option key={st} value={st}>{st}</option>)}
            </select>
          </>
        ) : null}
      </div>
      {!s.field ? <Empty>Choose a field{s.kind === 'stats' && numeric.length ? `, for example ${numeric.slice(0, 3).map((f) => f.name).join(', ')}` : ''}.</Empty> : s.kind === 'top' ? <TopGraph s={s} /> : <StatsGraph s={s} />}
    </div>
  );
}
