import { newBatchId, type RawBatch } from '@millrace/log-schema';
import { routeBatch } from './route-batch';

describe('routeBatch', () => {
  const batch: RawBatch = { v: 1, tenant: 'acme', batchId: newBatchId(), receivedAt: 1, source: { protocol: 'http-json' }, lines: [{ line: 'a' }, { line: 'b' }] };

  it('passes every line on to parsing, keeping the batch id for deduplication downstream', () => {
    expect(routeBatch(batch)).toEqual(batch);
  });
});
