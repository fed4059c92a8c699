import { connect, type Connection, type GlobalOptions } from './api/connect';
import { ConfigStore, configDir } from './config/store';
import { terminalPrompter, type Prompter } from './io/prompt';
import { processIOStreams, type IOStreams } from './io/streams';

/**
 * What every command gets: its I/O streams (and whether they are terminals), the credentials
 * file, the clients of the three services, a clock and the run's abort signal. Tests build one
 * with in-memory streams and a recorded `fetch`.
 */
export interface Factory {
  io: IOStreams;
  prompter: Prompter;
  store: ConfigStore;
  fetch: typeof fetch;
  now(): number;
  /** Resolves after `ms`, or rejects when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The clients, with credentials resolved from --key/--profile, the environment and the profile. */
  connect(options: GlobalOptions): Connection;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
}

export type FactoryParts = Partial<Omit<Factory, 'connect'>>;

export function createFactory(parts: FactoryParts = {}): Factory {
  const io = parts.io ?? processIOStreams();
  const factory: Factory = {
    io,
    prompter: parts.prompter ?? terminalPrompter(io),
    store: parts.store ?? new ConfigStore(configDir(io.env)),
    fetch: parts.fetch ?? globalThis.fetch,
    now: parts.now ?? Date.now,
    sleep: parts.sleep ?? sleep,
    signal: parts.signal ?? new AbortController().signal,
    connect: (options) => connect({ store: factory.store, env: io.env, fetch: factory.fetch, now: () => factory.now() }, options),
  };
  return factory;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
