import { memo } from 'react';
import type { LogEvent } from '../../api/types';
import { Time } from '../../components/Time';
import { clause, flattenFields, valueText } from './utils/queryEdit';

export interface FilterAction {
  (field: string, value: string, options: { negate: boolean; parsed: boolean }): void;
}

function levelClass(level: string | undefined): string {
  return `level level-${(level ?? 'none').toLowerCase().replace(/[^a-z]/g, '')}`;
}

/** One line of the results: time, level, app, host and the message on one row. */
export const LogLine = memo(function LogLine({ event, expanded }: { event: LogEvent; expanded: boolean }) {
  return (
    <div className="line-summary" aria-expanded={expanded}>
      <span className="line-time"><Time ms={event.ts} /></span>
      <span className={levelClass(event.level)}>{event.level ?? '—'}</span>
      <span className="line-app" title={`app ${event.app}`}>{event.app}</span>
      <span className="line-host muted" title={`host ${event.host}`}>{event.host}</span>
      <span className="line-message">{event.message}</span>
    </div>
  );
});

function FilterButtons({ field, value, parsed, onFilter }: { field: string; value: string; parsed: boolean; onFilter: FilterAction }) {
  const text = clause(field, value, { parsed });
  return (
    <span className="filter-buttons">
      <button type="button" className="icon" aria-label={`Filter for ${text}`} title={`Filter for ${text}`} onClick={(e) => { e.stopPropagation(); onFilter(field, value, { negate: false, parsed }); }}>+</button>
      <button type="button" className="icon" aria-label={`Filter out ${text}`} title={`Filter out ${text}`} onClick={(e) => { e.stopPropagation(); onFilter(field, value, { negate: true, parsed }); }}>−</button>
    </span>
  );
}

/** A line's parsed fields, each value a click away from `field:value` or `-field:value`. */
export function LineDetails({ event, onFilter, onContext }: { event: LogEvent; onFilter: FilterAction; onContext: () => void }) {
  const builtIn: Array<[string, string]> = [['app', event.app], ['host', event.host]];
  if (event.level) builtIn.push(['level', event.level]);
  for (const tag of event.tags ?? []) builtIn.push(['tag', tag]);
  if (event.source) builtIn.push(['source', event.source]);
  const parsed = flattenFields(event.fields ?? {});
  return (
    <div className="line-details" onClick={(e) => e.stopPropagation()}>
      <pre className="line-full">{event.message}</pre>
      <table>
        <caption className="sr-only">Fields of this line</caption>
        <tbody>
          {builtIn.map(([name, value], i) => (
            <tr key={`b-${name}-${i}`}>
              <th scope="row">{name}</th>
              <td><code>{value}</code></td>
              <td><FilterButtons field={name} value={value} parsed={false} onFilter={onFilter} /></td>
            </tr>
          ))}
          {parsed.map(([name, value]) => (
            <tr key={`f-${name}`}>
              <th scope="row">{name}</th>
              <td><code>{valueText(value)}</code></td>
              <td>{value === null || typeof value === 'object' ? null : <FilterButtons field={name} value={valueText(value)} parsed onFilter={onFilter} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="line-actions">
        <button type="button" onClick={(e) => { e.stopPropagation(); onContext(); }}>Show in context</button>
        <span className="muted small">id {event.id} · UTC {new Date(event.ts).toISOString()}</span>
      </div>
    </div>
  );
}
