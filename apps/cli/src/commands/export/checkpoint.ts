import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { CliError } from '../../errors';
import type { EventKey, ExportFormat } from './records';

/**
 * Written beside the output file after every write to it, so an interrupted export (Ctrl-C,
 * kill -9, a cut connection) resumes where the file is known to be complete: the file is cut
 * back to `bytes`, and the export continues from the last written event's (timestamp, id),
 * skipping what it already has at that boundary.
 */
export interface Checkpoint {
  version: 1;
  /** The command line's own words, to recognise the same export when it is run again. */
  args: { query: string; from: string; to: string; format: ExportFormat };
  /** The range as absolute times, fixed at the first run (relative times would move). */
  range: { from: string; to: string };
  total?: number;
  bytes: number;
  lines: number;
  last?: EventKey;
}

export function checkpointPath(file: string): string {
  return `${file}.millrace-export`;
}

export function readCheckpoint(file: string): Checkpoint | undefined {
  const path = checkpointPath(file);
  if (!existsSync(path)) return undefined;
  try {
    const checkpoint = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
    if (checkpoint.version !== 1 || typeof checkpoint.bytes !== 'number') throw new Error('unknown version');
    return checkpoint;
  } catch (error) {
    throw new CliError(`${path} cannot be read (${(error as Error).message}): start over with --restart`);
  }
}

export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  const path = checkpointPath(file);
  writeFileSync(`${path}.tmp`, JSON.stringify(checkpoint));
  renameSync(`${path}.tmp`, path);
}

export function removeCheckpoint(file: string): void {
  rmSync(checkpointPath(file), { force: true });
}
