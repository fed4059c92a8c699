import { useState } from 'react';
import type { FieldSummary } from '../../api/types';
import { ErrorState, Loading } from '../../components/states';
import { formatCount } from '../../utils/time';
import { useTopValues } from './hooks/useFields';
import { RESERVED_FIELDS } from './utils/completion';
import { clause } from './utils/queryEdit';

type Filter = (field: string, value: string, options: { negate: boolean; parsed: boolean }) => void;

function TopValues({ field, parsed, q, from, to, onFilter }: { field: string; parsed: boolean; q: string; from: string; to: string; onFilter: Filter }) {
  const ref = parsed && RESERVED_FIELDS.includes(field.split('.')[0]) ? `fields.${field}` : field;
  const top = useTopValues(ref, q, from, to);
  if (top.isPending) return <Loading label="Counting values…" />;
  if (top.error) return <ErrorState error={top.error} onRetry={() => void top.refetch()} />;
  const total = top.data.values.reduce((a, v) => a + v.count, 0) + top.data.other;
  if (top.data.values.length === 0) return <p className="muted small">No values in this range.</p>;
  return (
    <ul className="top-values" aria-label={`Top values of ${field}`}>
      {top.data.values.map((v) => {
        const value = String(v.value);
        return (
          <li key={value}>
            <button type="button" className="link" title={`Filter for ${clause(field, value, { parsed })}`} onClick={() => onFilter(field, value, { negate: false, parsed })}>
              {value}
            </button>
            <span className="bar" aria-hidden="true"><span ref={(e) => { if (e) e.style.width = `${total ? (100 * v.count) / total : 0}%`; }} /></span>
            <span className="muted small">{formatCount(v.count)}</span>
          </li>
        );
      })}
      {top.data.other > 0 ? <li className="muted small">others: {formatCount(top.data.other)}</li> : null}
    </ul>
  );
}

/** The fields of the current result with their types; each opens to its top values and counts. */
export function FieldsSidebar({ fields, loading, error, retry, q, from, to, onFilter }: {
  fields: FieldSummary[]; loading: boolean; error: unknown; retry: () => void; q: string; from: string; to: string; onFilter: Filter;
}) {
  const [open, setOpen] = useState<string | undefined>();
  const all: Array<{ name: string; types: string[]; count?: number; parsed: boolean }> = [
    ...['app', 'host', 'level', 'tag'].map((name) => ({ name, types: ['built in'], parsed: false })),
    ...fields.map((f) => ({ name: f.name, types: f.types, count: f.count, parsed: true })),
  ];
  return (
    <nav className="fields-sidebar" aria-label="Fields">
      <h2>Fields</h2>
      {loading ? <Loading label="Finding fields…" /> : null}
      {error ? <ErrorState error={error} onRetry={retry} /> : null}
      <ul>
        {all.map((f) => {
          const key = `${f.parsed ? 'f' : 'b'}:${f.name}`;
          const expanded = open === key;
          return (
            <li key={key}>
              <button type="button" className="field-name" aria-expanded={expanded} onClick={() => setOpen(expanded ? undefined : key)}>
                <span>{f.name}</span>
                <span className="muted small">{f.types.join(', ')}{f.count !== undefined ? ` · ${formatCount(f.count)}` : ''}</span>
              </button>
              {expanded ? <TopValues field={f.name} parsed={f.parsed} q={q} from={from} to={to} onFilter={onFilter} /> : null}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
