import { Counter, Histogram, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });
}

/** Every settlement outcome of every consumer: nothing is dropped without being counted here. */
export const messagesSettled = counter(
  'millrace_messages_settled_total',
  'Messages settled by a JetStream consumer, by outcome (acked, retried, dead_lettered)',
  ['consumer', 'outcome'],
);

export const deadLetters = counter(
  'millrace_dead_letters_total',
  'Messages sent to the DLQ stream, by stage and reason class',
  ['stage', 'reason'],
);

export const handlerSeconds =
  (register.getSingleMetric('millrace_batch_handler_seconds') as Histogram) ??
  new Histogram({
    name: 'millrace_batch_handler_seconds',
    help: 'Time to process one batch message',
    labelNames: ['consumer'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
