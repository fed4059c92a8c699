import { useId, useState } from 'react';
import { parseJson } from '../utils/jsonEditor';

/** A JSON editor for a configuration object, with the server's refusal shown next to it. */
export function JsonForm({ label, initial, onSave, onCancel, saving, error, saveLabel = 'Save' }: {
  label: string; initial: string; onSave: (value: unknown) => void; onCancel: () => void; saving: boolean; error?: Error | null; saveLabel?: string;
}) {
  const id = useId();
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState('');
  return (
    <form
      className="card"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseJson(text);
        if (!parsed.ok) return setProblem(parsed.message);
        setProblem('');
        onSave(parsed.value);
      }}
    >
      <label htmlFor={`${id}-json`}>{label} (JSON)</label>
      <textarea id={`${id}-json`} rows={Math.min(24, Math.max(6, text.split('\n').length + 1))} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      {problem ? <p role="alert" className="error">{problem}</p> : null}
      {error ? <p role="alert" className="error">{error.message}</p> : null}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={saving}>{saving ? 'Saving…' : saveLabel}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
