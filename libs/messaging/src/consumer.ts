import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy, DeliverPolicy, JetStreamApiError,
  type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg,
} from '@nats-io/jetstream';
import { PoisonMessageError, type DeadLetterStage } from '@millrace/log-schema';
import { publishDeadLetter } from './dead-letter';
import { handlerSeconds, messagesSettled } from './metrics';

/** Minimal logger surface so the lib works with Nest's Logger, pino or the console. */
export interface ConsumerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A failure that will never succeed on retry, but is not the message's fault alone (e.g. a rejected document). */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
  constructor(message: string, readonly reasonClass = 'permanent', options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface BatchConsumerOptions<T> {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  durable: string;
  filterSubject?: string;
  stage: DeadLetterStage;
  decode: (data: Uint8Array) => T;
  /** Process one decoded message; resolve once its effect is durable. Throw to retry. */
  handle: (value: T, msg: JsMsg) => Promise<void>;
  /** Batches processed at once by this process (bounded in-flight work). */
  concurrency?: number;
  maxDeliver?: number;
  ackWaitMs?: number;
  /** Back-off before redelivery, indexed by delivery count (last value repeats). */
  backoffMs?: number[];
  logger?: ConsumerLogger;
}

const DEFAULT_BACKOFF = [500, 2000, 5000, 15000, 30000];

/**
 * A durable pull consumer with settlement in one place:
 * ack on success; nak with back-off on a passing failure; dead-letter on the last delivery or
 * for poison; `working()` keeps slow handlers' messages from being redelivered; `stop()` stops
 * pulling and waits for in-flight work before the connection is drained.
 */
export class BatchConsumer<T> {
  private messages?: ConsumerMessages;
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private stopping = false;
  private readonly name: string;

  constructor(private readonly options: BatchConsumerOptions<T>) {
    this.name = options.durable;
  }

  get maxDeliver(): number {
    return this.options.maxDeliver ?? 5;
  }

  /** Create or update the durable consumer, then start pulling. */
  async start(): Promise<void> {
    const { jsm, js, stream, durable } = this.options;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.options.ackWaitMs ?? 30000),
      max_deliver: this.maxDeliver,
      max_ack_pending: Math.max(64, (this.options.concurrency ?? 4) * 16),
      ...(this.options.filterSubject ? { filter_subject: this.options.filterSubject } : {}),
    };
    try {
      await jsm.consumers.info(stream, durable);
      await jsm.consumers.update(stream, durable, config);
    } catch (error) {
      if (error instanceof JetStreamApiError || /not found/i.test(String((error as Error).message))) {
        await jsm.consumers.add(stream, config);
      } else throw error;
    }
    const consumer = await js.consumers.get(stream, durable);
    const concurrency = this.options.concurrency ?? 4;
    this.messages = await consumer.consume({ max_messages: concurrency * 2 });
    this.loop = this.pull(this.messages, concurrency);
  }

  private async pull(messages: ConsumerMessages, concurrency: number): Promise<void> {
    for await (const msg of messages) {
      const task = this.settle(msg).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
      if (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
    }
  }

  private async settle(msg: JsMsg): Promise<void> {
    const started = performance.now();
    let value: T;
    try {
      value = this.options.decode(msg.data);
    } catch (error) {
      await this.deadLetter(msg, error, 'poison');
      return;
    }
    // Keep the message ours while the handler works, however slow the downstream is.
    const keepAlive = setInterval(() => msg.working(), Math.max(1000, (this.options.ackWaitMs ?? 30000) / 3));
    try {
      await this.options.handle(value, msg);
      msg.ack();
      messagesSettled.inc({ consumer: this.name, outcome: 'acked' });
    } catch (error) {
      if (error instanceof PoisonMessageError) await this.deadLetter(msg, error, 'poison');
      else if (error instanceof PermanentFailure) await this.deadLetter(msg, error, error.reasonClass);
      else if (msg.info.deliveryCount >= this.maxDeliver) await this.deadLetter(msg, error, 'max_deliveries');
      else this.retry(msg, error);
    } finally {
      clearInterval(keepAlive);
      handlerSeconds.observe({ consumer: this.name }, (performance.now() - started) / 1000);
    }
  }

  private retry(msg: JsMsg, error: unknown): void {
    const backoff = this.options.backoffMs ?? DEFAULT_BACKOFF;
    const delay = backoff[Math.min(msg.info.deliveryCount - 1, backoff.length - 1)];
    this.options.logger?.warn(`${this.name}: delivery ${msg.info.deliveryCount} of ${msg.subject} failed, retrying in ${delay} ms: ${describe(error)}`);
    msg.nak(delay);
    messagesSettled.inc({ consumer: this.name, outcome: 'retried' });
  }

  private async deadLetter(msg: JsMsg, error: unknown, reasonClass: string): Promise<void> {
    const reason = describe(error);
    try {
      await publishDeadLetter(this.options.js, msg, this.options.stage, reason, reasonClass);
      msg.term(reason.slice(0, 200));
      messagesSettled.inc({ consumer: this.name, outcome: 'dead_lettered' });
      this.options.logger?.error(`${this.name}: ${msg.subject} seq ${msg.seq} dead-lettered (${reasonClass}): ${reason}`);
    } catch (dlqError) {
      // The DLQ refused it: never drop, try the whole thing again later.
      this.retry(msg, dlqError);
    }
  }

  /** Stop pulling, then let in-flight batches finish (bounded by `timeoutMs`). */
  async stop(timeoutMs = 10000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.messages?.stop();
    const drained = Promise.allSettled([this.loop, ...this.inFlight]);
    await Promise.race([drained, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
