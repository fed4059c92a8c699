import http from 'node:http';
import https from 'node:https';
import { OutboundRefusedError, type OutboundPolicy } from '@millrace/outbound-policy';

/** A delivery that failed; `permanent` ones are not retried (e.g. a 400 or 404 from the receiver). */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(message: string, readonly permanent = false, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The agents every channel request goes through: the outbound policy checks each connection. */
export interface OutboundAgents {
  http: http.Agent;
  https: http.Agent;
}

export function outboundAgents(policy: OutboundPolicy): OutboundAgents {
  return { http: policy.httpAgent(), https: policy.httpsAgent() };
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** Statuses worth retrying: the receiver is overloaded, rate limiting or briefly broken. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/**
 * One HTTP request with a deadline. Answers outside 2xx become DeliveryErrors (permanent for
 * 4xx other than 408/409/425/429). At most 4 KiB of the answer is kept.
 */
export function send(url: string, options: { method: string; headers: Record<string, string>; body: string; timeoutMs: number; agents: OutboundAgents }): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new DeliveryError('the URL is not valid', true));
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new DeliveryError(`${target.protocol} URLs are not supported`, true));
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const body = Buffer.from(options.body);
    const req = client.request(target, {
      method: options.method,
      headers: { ...options.headers, 'content-length': String(body.length) },
      timeout: options.timeoutMs,
      agent: target.protocol === 'https:' ? options.agents.https : options.agents.http,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 4096);
        if (status >= 200 && status < 300) resolve({ status, body: text });
        // Redirects are never followed: only the URL that was checked is reached.
        else if (status >= 300 && status < 400) reject(new DeliveryError(`HTTP ${status}: redirects are not followed; configure the final URL`, true));
        else reject(new DeliveryError(`HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ''}`, !retryableStatus(status)));
      });
      res.on('error', reject);
    });
    const deadline = setTimeout(() => req.destroy(new DeliveryError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('timeout', () => req.destroy(new DeliveryError(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof DeliveryError ? error : new DeliveryError(error.message, error instanceof OutboundRefusedError, { cause: error })));
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
