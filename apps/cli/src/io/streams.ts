import { createColors } from 'picocolors';

export type Colors = ReturnType<typeof createColors>;

export type Env = Record<string, string | undefined>;

/** Something to write to: process.stdout in use, a buffer in tests. */
export interface Output {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  columns?: number;
}

/**
 * The one place that knows whether we talk to a terminal. Colours only when the stream is a
 * TTY, NO_COLOR is unset and TERM is not "dumb"; progress bars only when stderr is a TTY.
 */
export interface IOStreams {
  stdin: NodeJS.ReadableStream;
  stdout: Output;
  stderr: Output;
  env: Env;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour functions for stdout and stderr (identity functions when colours are off). */
  color: Colors;
  errColor: Colors;
  /** Progress bars and spinners on stderr. */
  progress: boolean;
}

export function colorsEnabled(isTTY: boolean, env: Env): boolean {
  return isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function makeIOStreams(parts: Pick<IOStreams, 'stdin' | 'stdout' | 'stderr' | 'env' | 'stdinIsTTY' | 'stdoutIsTTY' | 'stderrIsTTY'>): IOStreams {
  return {
    ...parts,
    color: createColors(colorsEnabled(parts.stdoutIsTTY, parts.env)),
    errColor: createColors(colorsEnabled(parts.stderrIsTTY, parts.env)),
    progress: parts.stderrIsTTY && parts.env.TERM !== 'dumb',
  };
}

export function processIOStreams(): IOStreams {
  return makeIOStreams({
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  });
}

/** Write and wait for the stream to drain when it asks to: output never piles up in memory. */
export async function writeOut(out: Output, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}
