import type { NatsConnection, Subscription } from '@nats-io/transport-node';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Answer a request-reply subject, load-balanced over the router replicas (queue group). Accepts
 * plain JSON requests and NestJS microservice envelopes (`{pattern, data, id}`), answering each
 * in its own shape, so both raw NATS clients and Nest `ClientProxy.send` can ask.
 */
export function respond<Req, Res>(nc: NatsConnection, subject: string, handler: (request: Req) => Promise<Res>): Subscription {
  return nc.subscribe(subject, {
    queue: 'broker-router',
    callback: (error, msg) => {
      if (error || !msg.reply) return;
      void (async () => {
        let body: unknown = {};
        try {
          body = JSON.parse(decoder.decode(msg.data));
        } catch {
          /* an empty or malformed request is answered as {} */
        }
        const envelope = body && typeof body === 'object' && 'pattern' in body && 'id' in body ? (body as { data?: unknown; id: string }) : undefined;
        const request = (envelope ? envelope.data : body) as Req;
        try {
          const result = await handler(request ?? ({} as Req));
          msg.respond(encoder.encode(JSON.stringify(envelope ? { id: envelope.id, response: result, isDisposed: true } : result)));
        } catch (failure) {
          const message = (failure as Error).message ?? String(failure);
          msg.respond(encoder.encode(JSON.stringify(envelope ? { id: envelope.id, err: message, isDisposed: true } : { error: message })));
        }
      })();
    },
  });
}

/** Ask a NestJS microservice (e.g. auth) over plain NATS, in its envelope. */
export async function askNest<T>(nc: NatsConnection, subject: string, data: unknown, timeoutMs: number): Promise<T> {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  const reply = await nc.request(subject, encoder.encode(JSON.stringify({ pattern: subject, data, id })), { timeout: timeoutMs });
  const packet = JSON.parse(decoder.decode(reply.data)) as { response?: T; err?: unknown };
  if (packet.err) throw new Error(typeof packet.err === 'string' ? packet.err : JSON.stringify(packet.err));
  return packet.response as T;
}

export function publishJson(nc: NatsConnection, subject: string, value: unknown): void {
  nc.publish(subject, encoder.encode(JSON.stringify(value)));
}
