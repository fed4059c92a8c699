import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { search } from '../../api/endpoints';
import type { FieldSummary } from '../../api/types';
import { applySuggestion, suggestFields, suggestValues, typingAt, type Suggestion, type Typing } from './utils/completion';
import { quoteValue, valueText } from './utils/queryEdit';

import type { SyntaxProblem } from './utils/syntaxProblem';

interface Props {
  value: string;
  onChange: (value: string) => void;
  onSubmit: (value: string) => void;
  fields: FieldSummary[];
  range: { from: string; to: string };
  problem?: SyntaxProblem;
  label?: string;
}

/**
 * The query box (accessible name "Query"): a combobox completing field names and values from
 * the organisation's own fields (/v1/fields, top values), and showing a syntax error under the
 * character where it was found.
 */
export function QueryBox({ value, onChange, onSubmit, fields, range, problem, label = 'Query' }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [cursor, setCursor] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const typing: Typing | undefined = open ? typingAt(value, cursor) : undefined;
  const valueField = typing?.kind === 'value' ? typing.field : undefined;
  const top = useQuery({
    queryKey: ['top', valueField, '', range.from, range.to],
    queryFn: ({ signal }) => search.top({ q: '', from: range.from, to: range.to, field: valueField!, size: 20 }, signal),
    enabled: Boolean(valueField) && !/^(message)$/.test(valueField ?? ''),
    staleTime: 60_000,
    retry: false,
  });
  const suggestions: Suggestion[] = useMemo(() => {
    if (!typing) return [];
    if (typing.kind === 'field') return typing.prefix.length === 0 && value.trim().length > 0 && cursor < value.length ? [] : suggestFields(typing.prefix, fields);
    const examples = fields.find((f) => f.name === typing.field)?.examples ?? [];
    const values = [
      ...(top.data?.values ?? []).map((v) => ({ value: String(v.value), count: v.count })),
      ...examples.map((v) => ({ value: valueText(v) })),
    ];
    return suggestValues(typing.prefix, values, quoteValue);
  }, [typing?.kind, typing?.prefix, valueField, fields, top.data, value, cursor]);
  const showList = open && suggestions.length > 0;

  useEffect(() => setActive(0), [typing?.prefix, typing?.kind]);

  const accept = (s: Suggestion) => {
    if (!typing) return;
    const next = applySuggestion(value, typing, s);
    onChange(next.query);
    setCursor(next.cursor);
    requestAnimationFrame(() => input.current?.setSelectionRange(next.cursor, next.cursor));
  };

  return (
    <div className="query-box">
      <label htmlFor={`${id}-q`} className="sr-only">{label}</label>
      <input
        id={`${id}-q`}
        ref={input}
        type="search"
        role="combobox"
        aria-label={label}
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={`${id}-list`}
        aria-activedescendant={showList ? `${id}-opt-${active}` : undefined}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder='Search, e.g. app:web level:error "timed out" status:>=500'
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          setCursor(e.target.selectionStart ?? e.target.value.length);
          setOpen(true);
        }}
        onSelect={(e) => setCursor((e.target as HTMLInputElement).selectionStart ?? value.length)}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (showList && e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => (a + 1) % suggestions.length); return; }
          if (showList && e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => (a - 1 + suggestions.length) % suggestions.length); return; }
          if (showList && e.key === 'Tab' && !e.shiftKey) { e.preventDefault(); accept(suggestions[active]); return; }
          if (e.key === 'Escape') { setOpen(false); return; }
          if (e.key === 'Enter') {
            e.preventDefault();
            if (showList && e.altKey) { accept(suggestions[active]); return; }
            setOpen(false);
            onSubmit(value);
          }
        }}
      />
      {showList ? (
        <ul id={`${id}-list`} role="listbox" aria-label="Suggestions" className="suggestions">
          {suggestions.map((s, i) => (
            <li
              key={`${s.label}-${i}`}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => { e.preventDefault(); accept(s); }}
            >
              <span>{s.label}</span>
              {s.detail ? <span className="muted small">{s.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {problem ? (
        <div id={`${id}-problem`} className="syntax-error" role="alert">
          <pre aria-hidden="true"><code>{value}{'\n'}{' '.repeat(Math.min(problem.position, value.length))}^</code></pre>
          <p>{problem.message} <span className="muted">(at character {problem.position + 1})</span></p>
        </div>
      ) : null}
      <p className="muted small hint">Tab completes the suggestion; Enter searches.</p>
    </div>
  );
}
