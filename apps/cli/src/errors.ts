/** Exit codes, as documented in `millrace --help` and the README. */
export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one clear sentence on stderr, with its exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode: ExitCode = EXIT.failure, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The command line itself is wrong (exit 2). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** No credential, or one the server refused (exit 3). */
export class AuthError extends CliError {
  override name = 'AuthError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.auth, options);
  }
}

/** The process was interrupted (Ctrl-C): exit 130 like a shell. */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
  constructor(message: string) {
    super(message, 130 as ExitCode);
  }
}
