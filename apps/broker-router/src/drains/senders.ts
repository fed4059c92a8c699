import http from 'node:http';
import https from 'node:https';
import net, { isIP } from 'node:net';
import type tls from 'node:tls';
import type { DrainTarget } from '@millrace/drain-targets';
import { OutboundRefusedError, type OutboundPolicy } from '@millrace/outbound-policy';
import { jsonBody, logplexBody, syslogFrames, type DrainLine } from './framing';

/** A failed delivery; `permanent` ones are not retried (the batch is dropped and counted). */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(message: string, readonly permanent = false) {
    super(message);
  }
}

export interface DrainSender {
  send(lines: DrainLine[], frameId: string): Promise<void>;
  close(): void;
}

export interface SenderOptions {
  drainId: string;
  timeoutMs: number;
  /** Checks every connection (at connect time, on the resolved address that is then connected to). */
  policy: OutboundPolicy;
}

export type HttpFormat = 'logplex' | 'json';

/** A refusal of the outbound policy is permanent: retrying the same target cannot help. */
function deliveryError(error: Error): DeliveryError {
  return error instanceof DeliveryError ? error : new DeliveryError(error.message, error instanceof OutboundRefusedError);
}

/** HTTP(S) drain: one POST per batch, Logplex frames or a JSON array; 2xx is success. */
export class HttpSender implements DrainSender {
  private readonly agent: http.Agent;

  constructor(private readonly target: DrainTarget, private readonly format: HttpFormat, private readonly options: SenderOptions) {
    const agentOptions = { keepAlive: true, maxSockets: 1 };
    this.agent = target.transport === 'https' ? options.policy.httpsAgent(agentOptions) : options.policy.httpAgent(agentOptions);
  }

  send(lines: DrainLine[], frameId: string): Promise<void> {
    const body = this.format === 'json' ? jsonBody(lines) : logplexBody(lines);
    const headers: Record<string, string> = {
      'content-type': this.format === 'json' ? 'application/json' : 'application/logplex-1',
      'content-length': String(body.length),
      'user-agent': 'Millrace-Drain/0.1',
      'logplex-msg-count': String(lines.length),
      'logplex-frame-id': frameId,
      'logplex-drain-token': `d.${this.options.drainId}`,
    };
    const request = this.target.transport === 'https' ? https.request : http.request;
    return new Promise<void>((resolve, reject) => {
      const req = request({
        host: this.target.host, port: this.target.port, path: this.target.path, method: 'POST', headers,
        auth: this.target.auth, agent: this.agent, servername: isIP(this.target.host) ? undefined : this.target.host,
      } as https.RequestOptions, (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          // Redirects are never followed: the target is the one that was checked, not where it points.
          else if (status >= 300 && status < 400) reject(new DeliveryError(`HTTP ${status} from the endpoint (redirects are not followed; point the drain at the final URL)`, true));
          else reject(new DeliveryError(`HTTP ${status} from the endpoint`, status >= 400 && status < 500 && status !== 408 && status !== 429));
        });
        res.on('error', (e) => reject(new DeliveryError(e.message)));
      });
      const timer = setTimeout(() => req.destroy(new DeliveryError(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(deliveryError(e));
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Syslog drain over TCP or TLS: RFC 5424 messages with octet counting on one long-lived
 * connection. A batch counts as delivered once the socket has flushed it (syslog has no
 * acknowledgements); any error or stall closes the connection and the batch is retried.
 */
export class SyslogSender implements DrainSender {
  private socket?: net.Socket;
  private connecting?: Promise<net.Socket>;

  constructor(private readonly target: DrainTarget, private readonly options: SenderOptions) {}

  private connect(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<net.Socket>((resolve, reject) => {
      const common = { host: this.target.host, port: this.target.port };
      let socket: net.Socket | tls.TLSSocket;
      try {
        socket = this.target.transport === 'syslog+tls'
          ? this.options.policy.connectTls({ ...common, servername: isIP(this.target.host) ? undefined : this.target.host })
          : this.options.policy.connect(common);
      } catch (error) {
        reject(deliveryError(error as Error));
        return;
      }
      const timer = setTimeout(() => socket.destroy(new DeliveryError(`cannot connect within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      socket.once(this.target.transport === 'syslog+tls' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.setKeepAlive(true, 30_000);
        socket.removeAllListeners('error');
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          if (this.socket === socket) this.socket = undefined;
        });
        // Receivers do not talk back; whatever they send is read and discarded.
        socket.on('data', () => undefined);
        this.socket = socket;
        resolve(socket);
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(deliveryError(e));
      });
    }).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async send(lines: DrainLine[]): Promise<void> {
    const socket = await this.connect();
    const frames = syslogFrames(lines);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DeliveryError(`the endpoint did not take the batch within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      socket.write(frames, (error) => {
        clearTimeout(timer);
        if (error) {
          socket.destroy();
          reject(new DeliveryError(error.message));
        } else resolve();
      });
    });
  }

  close(): void {
    this.socket?.end();
    this.socket = undefined;
  }
}
