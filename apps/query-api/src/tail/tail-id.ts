/**
 * Tail ids: `<EVENTS stream sequence>-<index of the event in that message>`. They order every
 * event of a tenant, so a client resuming with `Last-Event-ID` gets exactly what followed.
 */
export function formatTailId(seq: number, index: number): string {
  return `${seq}-${index}`;
}

export function parseTailId(text: string | undefined): { seq: number; index: number } | undefined {
  if (!text) return undefined;
  const m = /^(\d{1,15})-(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const seq = Number(m[1]);
  return seq >= 1 ? { seq, index: Number(m[2]) } : undefined;
}
