import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ConfigStore } from '../config/store';
import { createFactory, type Factory } from '../factory';
import type { Prompter } from '../io/prompt';
import { makeIOStreams, type Env, type Output } from '../io/streams';
import { run } from '../main';

/** A stream that keeps what is written to it. */
export class MemoryOutput implements Output {
  text = '';
  columns = 100;
  constructor(readonly isTTY = false) {}
  // What a terminal offers (progress bars move the cursor).
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  clearScreenDown(): boolean {
    return true;
  }
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
  once(): this {
    return this;
  }
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: unknown;
}

type Answer = Response | ((request: RecordedRequest) => Response | Promise<Response>);

/**
 * Recorded answers for `fetch`, GitHub-CLI-httpmock style: each route answers in turn (the last
 * answer repeats), every request is kept for assertions, and an unexpected request fails.
 */
export class HttpStub {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Answer[]>();

  on(method: string, pathname: string, ...answers: Answer[]): this {
    this.routes.set(`${method} ${pathname}`, answers);
    return this;
  }

  readonly fetch = (async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = request.body ? await request.text() : undefined;
    let body: unknown = text;
    try {
      body = text !== undefined ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    const recorded = { method: request.method, url, headers: request.headers, body };
    this.requests.push(recorded);
    const answers = this.routes.get(`${request.method} ${url.pathname}`);
    if (!answers) throw new Error(`unexpected request ${request.method} ${url.pathname}`);
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (request.signal?.aborted) throw request.signal.reason;
    const response = typeof answer === 'function' ? await answer(recorded) : answer.clone();
    return request.signal && response.body ? abortable(response, request.signal) : response;
  }) as typeof fetch;

  find(method: string, pathname: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.url.pathname === pathname);
  }
}

/** Like a real fetch, an abort ends the body being read. */
function abortable(response: Response, signal: AbortSignal): Response {
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener('abort', () => {
        try {
          controller.error(signal.reason);
        } catch {
          /* already closed */
        }
        void reader.cancel().catch(() => undefined);
      }, { once: true });
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function apiError(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ error: { status, code: 'x', message, requestId: 'r1', ...extra } }, status, headers);
}

export interface TestSetup {
  env?: Env;
  tty?: boolean;
  stdin?: string | string[];
  stdinIsTTY?: boolean;
  http?: HttpStub;
  prompter?: Prompter;
  now?: () => number;
  signal?: AbortSignal;
  /** Records the waits instead of waiting. */
  sleeps?: number[];
}

export interface TestRun {
  factory: Factory;
  stdout: MemoryOutput;
  stderr: MemoryOutput;
  http: HttpStub;
  configDir: string;
  store: ConfigStore;
  run(...args: string[]): Promise<number>;
}

export const URLS = { MILLRACE_QUERY_URL: 'http://query.test', MILLRACE_AUTH_URL: 'http://auth.test', MILLRACE_INGEST_URL: 'http://ingest.test' };

/** A factory with in-memory streams, recorded HTTP answers and a fresh config folder. */
export function setup(options: TestSetup = {}): TestRun {
  const stdout = new MemoryOutput(options.tty ?? false);
  const stderr = new MemoryOutput(options.tty ?? false);
  const configDir = mkdtempSync(path.join(tmpdir(), 'millrace-cli-'));
  const env: Env = { XDG_CONFIG_HOME: configDir, ...(options.env ?? {}) };
  const chunks = options.stdin === undefined ? [] : Array.isArray(options.stdin) ? options.stdin : [options.stdin];
  const io = makeIOStreams({
    stdin: Readable.from(chunks.map((c) => Buffer.from(c))),
    stdout,
    stderr,
    env,
    stdinIsTTY: options.stdinIsTTY ?? false,
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
  });
  const http = options.http ?? new HttpStub();
  const store = new ConfigStore(path.join(configDir, 'millrace'));
  const factory = createFactory({
    io,
    store,
    fetch: http.fetch,
    prompter: options.prompter ?? { text: async () => { throw new Error('unexpected prompt'); }, secret: async () => { throw new Error('unexpected prompt'); } },
    now: options.now,
    signal: options.signal,
    sleep: options.sleeps ? async (ms) => void options.sleeps!.push(ms) : undefined,
  });
  return { factory, stdout, stderr, http, configDir, store, run: (...args) => run(args, factory) };
}
