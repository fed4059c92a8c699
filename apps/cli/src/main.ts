import { CommanderError } from 'commander';
import { CliError, EXIT } from './errors';
import { createFactory, type Factory } from './factory';
import { buildProgram } from './program';

/** Runs one command line and returns the exit status; never throws. */
export async function run(argv: string[], f: Factory): Promise<number> {
  const program = buildProgram(f);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return report(error, f);
  }
}

function report(error: unknown, f: Factory): number {
  // Commander has printed its own message (unknown option, missing argument, help).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const label = f.io.errColor.red('error');
  if (error instanceof CliError) {
    f.io.stderr.write(`${label}: ${error.message}\n`);
    return error.exitCode;
  }
  if (f.signal.aborted) return 130;
  f.io.stderr.write(`${label}: ${(error as Error)?.message ?? String(error)}\n`);
  if (f.io.env.MILLRACE_DEBUG) f.io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return EXIT.failure;
}

/** The process entry point (bin/millrace.cjs): signals, exit status, a closed pipe. */
export function main(): void {
  const interrupt = new AbortController();
  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    // The first Ctrl-C lets the command finish cleanly (an export saves its checkpoint); the second ends at once.
    if (++signals > 1) process.exit(130);
    interrupt.abort(new Error(`stopped by ${signal}`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0); // `millrace search | head` closed the pipe
  });
  void run(process.argv.slice(2), createFactory({ signal: interrupt.signal })).then((code) => {
    // Idle keep-alive sockets must not hold the process: exit once stdout is flushed.
    process.stdout.write('', () => process.exit(code));
  });
}

if (require.main === module) main();
