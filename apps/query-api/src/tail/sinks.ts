import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { TailMessage } from './outbound-queue';
import type { TailSink } from './tail-session';

/** Server-Sent Events: lines as `id:`/`data:` (default event type), `dropped`, `ready`, `gap` as named events. */
export function sseFrame(m: TailMessage): string {
  switch (m.type) {
    case 'line': return `id: ${m.id}\ndata: ${JSON.stringify(m.event)}\n\n`;
    case 'dropped': return `event: dropped\ndata: ${JSON.stringify({ count: m.count })}\n\n`;
    case 'ready': return `event: ready\ndata: ${JSON.stringify({ backlog: m.backlog, resumed: m.resumed })}\n\n`;
    case 'gap': return `event: gap\ndata: ${JSON.stringify({ reason: m.reason, requested: m.requested, resumedAt: m.resumedAt })}\n\n`;
  }
}

export class SseSink implements TailSink {
  constructor(private readonly res: ServerResponse) {}

  send(message: TailMessage): boolean {
    if (this.res.destroyed) return true;
    return this.res.write(sseFrame(message));
  }

  onceDrained(callback: () => void): void {
    this.res.once('drain', callback);
  }

  heartbeat(): void {
    if (!this.res.destroyed) this.res.write(': keep-alive\n\n');
  }

  close(abort: boolean): void {
    if (abort) this.res.destroy();
    else this.res.end();
  }
}

/** Bytes a WebSocket may have waiting in its send buffer before the tail holds lines back. */
export const WS_HIGH_WATER = 1024 * 1024;

/** WebSocket: one JSON text message per TailMessage (`{type: "line", id, event}`, `{type: "dropped", count}`, …). */
export class WebSocketSink implements TailSink {
  private poll?: NodeJS.Timeout;

  constructor(private readonly socket: WebSocket) {
    socket.once('close', () => clearInterval(this.poll));
  }

  send(message: TailMessage): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return true;
    this.socket.send(JSON.stringify(message));
    return this.socket.bufferedAmount < WS_HIGH_WATER;
  }

  onceDrained(callback: () => void): void {
    clearInterval(this.poll);
    this.poll = setInterval(() => {
      if (this.socket.bufferedAmount < WS_HIGH_WATER / 2 || this.socket.readyState !== this.socket.OPEN) {
        clearInterval(this.poll);
        callback();
      }
    }, 50);
  }

  heartbeat(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  close(abort: boolean): void {
    clearInterval(this.poll);
    if (abort) this.socket.terminate();
    else this.socket.close(1000, 'tail ended');
  }
}
