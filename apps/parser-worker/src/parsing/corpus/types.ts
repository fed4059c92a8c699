/** A corpus case: one raw line (or a few, for multi-line events) and the event it must give. */
import type { RawLine } from '@millrace/log-schema';
import type { FormatName } from '../types';

/** Arrival time of every corpus batch: 2024-03-10T12:00:00Z. */
export const RECEIVED_AT = Date.parse('2024-03-10T12:00:00Z');

export interface CorpusCase {
  name: string;
  /** The line text, or a full RawLine when the case needs line metadata. */
  line: string | RawLine;
  /** Format the registry must report for the event. */
  format: FormatName;
  expect: {
    message: string;
    /** null: no level. */
    level: string | null;
    /** ISO time the event must carry; omit for "arrival time". */
    ts?: string;
    app?: string;
    host?: string;
    /** The complete fields object (compared with toEqual). */
    fields: Record<string, unknown>;
    tags?: string[];
  };
}
