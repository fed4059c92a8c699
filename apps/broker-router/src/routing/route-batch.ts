import type { RawBatch } from '@millrace/log-schema';

/**
 * The routing decision for one batch, kept free of NATS so it is testable on its own.
 * Today every line goes on to parsing; exclusion, sampling, quotas and drains plug in here.
 */
export function routeBatch(batch: RawBatch): RawBatch | null {
  return batch.lines.length > 0 ? batch : null;
}
