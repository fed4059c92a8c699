import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../errors';
import type { IOStreams } from './streams';

/** Questions asked on the terminal; tests swap in answers. */
export interface Prompter {
  text(question: string): Promise<string>;
  /** Typed without echo. */
  secret(question: string): Promise<string>;
}

export function terminalPrompter(io: IOStreams): Prompter {
  const ask = (question: string, hidden: boolean) => {
    if (!io.stdinIsTTY) throw new UsageError(`${question.replace(/:\s*$/, '')} is needed and standard input is not a terminal: give it as an option`);
    return new Promise<string>((resolve, reject) => {
      // Hidden answers: readline echoes into a sink, so nothing typed appears.
      const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
      const rl = createInterface({ input: io.stdin, output: hidden ? sink : (io.stderr as NodeJS.WritableStream), terminal: true });
      io.stderr.write(question);
      rl.once('line', (line) => {
        rl.close();
        if (hidden) io.stderr.write('\n');
        resolve(hidden ? line : line.trim());
      });
      rl.once('SIGINT', () => {
        rl.close();
        io.stderr.write('\n');
        reject(new UsageError('cancelled'));
      });
    });
  };
  return { text: (q) => ask(q, false), secret: (q) => ask(q, true) };
}

/** All of standard input as text (for --password-stdin, --key-stdin, --file -). */
export async function readAll(stream: NodeJS.ReadableStream, maxBytes = 10 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) throw new UsageError(`standard input is larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
