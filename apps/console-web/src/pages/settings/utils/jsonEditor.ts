/** Parse what a person typed into a JSON editor: the value, or a message saying where it is wrong. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    if (!at) return { ok: false, message: `Not valid JSON: ${message}` };
    const pos = Number(at[1]);
    const line = text.slice(0, pos).split('\n').length;
    const column = pos - text.lastIndexOf('\n', pos - 1);
    return { ok: false, message: `Not valid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}` };
  }
}

/** An object as the editor shows it, without the fields the server manages. */
export function editable(object: Record<string, unknown>, serverFields: readonly string[] = SERVER_FIELDS): string {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) if (!serverFields.includes(k)) copy[k] = v;
  return JSON.stringify(copy, null, 2);
}

export const SERVER_FIELDS = ['id', 'tenant', 'createdAt', 'updatedAt', 'status', 'disabledReason', 'state', 'lastFiredAt', 'lastEvaluatedAt', 'mutedUntil'] as const;

/** Lines pasted into a dry-run box: one sample per non-empty line. */
export function sampleLines(text: string, max = 100): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, max);
}
