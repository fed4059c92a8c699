import { useEffect, useId, useRef, useState } from 'react';
import { fromDatetimeLocal, toDatetimeLocal } from '../../utils/time';
import { describeRange, PRESETS, resolveBound } from './utils/timeRange';

/** Relative presets and an absolute range (in the browser's zone), in a keyboard-operable popover. */
export function TimeRangePicker({ from, to, onChange }: { from: string; to: string; onChange: (from: string, to: string) => void }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const panel = useRef<HTMLDivElement>(null);
  const now = Date.now();
  const [absFrom, setAbsFrom] = useState('');
  const [absTo, setAbsTo] = useState('');
  const [problem, setProblem] = useState('');

  useEffect(() => {
    if (!open) return;
    setAbsFrom(toDatetimeLocal(resolveBound(from, Date.now()) ?? Date.now() - 3_600_000));
    setAbsTo(toDatetimeLocal(resolveBound(to, Date.now()) ?? Date.now()));
    setProblem('');
    panel.current?.querySelector<HTMLElement>('button')?.focus();
  }, [open, from, to]);

  const choose = (f: string, t: string) => {
    onChange(f, t);
    setOpen(false);
  };

  return (
    <div className="range-picker" onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
      <button type="button" aria-haspopup="dialog" aria-expanded={open} aria-controls={`${id}-panel`} onClick={() => setOpen(!open)} title="Time range">
        <span className="sr-only">Time range: </span>{describeRange(from, to, now)}
      </button>
      {open ? (
        <div id={`${id}-panel`} ref={panel} role="dialog" aria-label="Time range" className="popover">
          <ul className="presets">
            {PRESETS.map((p) => (
              <li key={p.from}>
                <button type="button" aria-pressed={from === p.from && to === 'now'} onClick={() => choose(p.from, 'now')}>{p.label}</button>
              </li>
            ))}
          </ul>
          <form
            className="absolute"
            onSubmit={(e) => {
              e.preventDefault();
              const a = fromDatetimeLocal(absFrom);
              const b = fromDatetimeLocal(absTo);
              if (a === undefined || b === undefined) return setProblem('Give both times.');
              if (a >= b) return setProblem('The start must be before the end.');
              choose(String(a), String(b));
            }}
          >
            <label htmlFor={`${id}-from`}>From</label>
            <input id={`${id}-from`} type="datetime-local" step="1" value={absFrom} onChange={(e) => setAbsFrom(e.target.value)} />
            <label htmlFor={`${id}-to`}>To</label>
            <input id={`${id}-to`} type="datetime-local" step="1" value={absTo} onChange={(e) => setAbsTo(e.target.value)} />
            {problem ? <p role="alert" className="error small">{problem}</p> : null}
            <p className="muted small">Times in your zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}).</p>
            <button type="submit">Apply range</button>
          </form>
        </div>
      ) : null}
    </div>
  );
}
