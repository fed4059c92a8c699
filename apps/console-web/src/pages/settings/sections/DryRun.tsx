import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { parseJson, sampleLines } from '../utils/jsonEditor';

/** Try a rule (as JSON) on pasted sample lines without saving it: the server's answer as it comes. */
export function DryRun({ label, initialRule, run }: { label: string; initialRule: object; run: (rule: unknown, lines: string[]) => Promise<unknown> }) {
  const id = useId();
  const [rule, setRule] = useState(JSON.stringify(initialRule, null, 2));
  const [lines, setLines] = useState('');
  const [problem, setProblem] = useState('');
  const dry = useMutation({ mutationFn: (v: { rule: unknown; lines: string[] }) => run(v.rule, v.lines) });
  return (
    <form
      className="card"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseJson(rule);
        if (!parsed.ok) return setProblem(parsed.message);
        const samples = sampleLines(lines);
        if (samples.length === 0) return setProblem('Paste at least one sample line.');
        setProblem('');
        dry.mutate({ rule: parsed.value, lines: samples });
      }}
    >
      <h3>{label}</h3>
      <label htmlFor={`${id}-rule`}>Rule (JSON)</label>
      <textarea id={`${id}-rule`} rows={8} value={rule} onChange={(e) => setRule(e.target.value)} spellCheck={false} />
      <label htmlFor={`${id}-lines`}>Sample lines (one per line)</label>
      <textarea id={`${id}-lines`} rows={5} value={lines} onChange={(e) => setLines(e.target.value)} spellCheck={false} />
      {problem ? <p role="alert" className="error">{problem}</p> : null}
      {dry.error ? <p role="alert" className="error">{dry.error.message}</p> : null}
      <button type="submit" className="primary" disabled={dry.isPending}>Try it</button>
      {dry.data !== undefined ? (
        <div role="region" aria-label="Dry-run result">
          <h3>Result</h3>
          <pre className="snippet">{JSON.stringify(dry.data, null, 2)}</pre>
        </div>
      ) : null}
    </form>
  );
}
