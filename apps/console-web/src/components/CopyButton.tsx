import { useState } from 'react';

/** Copies a text to the clipboard and says so (to screen readers too). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
    setTimeout(() => setDone(undefined), 2000);
  };
  return (
    <span className="copy">
      <button type="button" onClick={copy}>{label}</button>
      <span role="status" aria-live="polite" className="muted small">{done === 'copied' ? 'Copied' : done === 'failed' ? 'Copy failed: select the text' : ''}</span>
    </span>
  );
}
