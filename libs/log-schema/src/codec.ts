import type { ZodType } from 'zod/v4';
import { rawBatchSchema, type RawBatch } from './batch';

/** A message that can never be processed: undecodable or not of the expected shape. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** JSON as UTF-8 bytes; Buffer.from writes UTF-8 natively, faster than TextEncoder for large batches. */
export function encodeMessage(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Decode and validate with the same schema the producer used. Throws PoisonMessageError. */
export function decodeMessage<T>(data: Uint8Array, schema: ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch (cause) {
    throw new PoisonMessageError('message is not UTF-8 JSON', { cause });
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PoisonMessageError(`message does not match its schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

export const decodeRawBatch = (data: Uint8Array): RawBatch => decodeMessage(data, rawBatchSchema);
